// Package pages holds the one loop behind every <Operation>All iterator of
// the services: call the operation, yield the items of its page, follow
// NextToken until it is "".
package pages

import (
	"context"
	"iter"
)

// All calls op with in, yields the items of each page (items returns them and
// the page's NextToken) and follows NextToken with setToken until it is "". It
// stops at the first error, yielding it, and when the consumer stops.
func All[In, Out, T any](ctx context.Context, in In, op func(context.Context, In) (*Out, error),
	setToken func(*In, string), items func(*Out) ([]T, string)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			out, err := op(ctx, in)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			page, next := items(out)
			for _, it := range page {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" {
				return
			}
			setToken(&in, next)
		}
	}
}
