package filterpattern_test

import (
	"fmt"

	"github.com/localwatch/localwatch/logs/filterpattern"
)

func Example() {
	p, err := filterpattern.Compile(`[ip, user, username, timestamp, request, status_code = 4*, bytes > 1000]`)
	if err != nil {
		panic(err)
	}
	line := []byte(`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /missing.html HTTP/1.0" 404 2326`)
	fields, ok := p.Fields(line)
	fmt.Println(ok, fields["$status_code"], fields["$request"])

	j := filterpattern.MustCompile(`{ $.eventType = "UpdateTrail" || $.errorCode = "AccessDenied*" }`)
	fmt.Println(j.MatchString(`{"eventType": "DeleteTrail", "errorCode": "AccessDeniedException"}`))

	_, err = filterpattern.Compile(`user@example.com`)
	fmt.Println(err)
	// Output:
	// true 404 GET /missing.html HTTP/1.0
	// true
	// InvalidParameterException: Invalid filter pattern "user@example.com": unexpected character "@" after a term; separate terms with spaces, and put terms with other characters in double quotes (at position 4)
}
