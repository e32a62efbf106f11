package pages

import (
	"context"
	"errors"
	"strconv"
	"testing"
)

type in struct{ NextToken string }
type out struct {
	Items     []int
	NextToken string
}

// op serves three pages of two items, then fails when asked for a fourth.
func op(_ context.Context, i in) (*out, error) {
	n, _ := strconv.Atoi(i.NextToken)
	switch {
	case n > 4:
		return nil, errors.New("boom")
	case n == 4:
		return &out{Items: []int{4, 5}}, nil
	}
	return &out{Items: []int{n, n + 1}, NextToken: strconv.Itoa(n + 2)}, nil
}

func seq(start string) func(yield func(int, error) bool) {
	return All(context.Background(), in{NextToken: start}, op,
		func(i *in, t string) { i.NextToken = t }, func(o *out) ([]int, string) { return o.Items, o.NextToken })
}

func TestAllFollowsNextTokenToTheLastPage(t *testing.T) {
	var got []int
	for v, err := range seq("") {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if len(got) != 6 || got[5] != 5 {
		t.Fatalf("got %v", got)
	}
}

func TestAllYieldsTheFirstErrorAndStops(t *testing.T) {
	n := 0
	for _, err := range seq("6") {
		n++
		if err == nil {
			t.Fatal("want the operation's error")
		}
	}
	if n != 1 {
		t.Fatalf("yielded %d times", n)
	}
}

func TestAllStopsWhenTheConsumerDoes(t *testing.T) {
	for v := range seq("") {
		if v == 1 {
			break
		}
	}
}
