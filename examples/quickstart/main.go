// Command quickstart walks through a whole localwatch stack in memory.
package main

import "fmt"

func main() {
	fmt.Println("localwatch quickstart: the stack is being built; see README.md")
}
