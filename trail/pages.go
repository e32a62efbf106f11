package trail

import (
	"context"
	"iter"
)

// allPages is every <Operation>All iterator: it calls op with in, yields the
// items of each page (items returns them and the page's NextToken) and
// follows NextToken with setToken until it is "". It stops at the first
// error, yielding it.
func allPages[In, Out, T any](ctx context.Context, in In, op func(context.Context, In) (*Out, error),
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

// ListPublicKeysAll walks every page of ListPublicKeys for in. It stops at
// the first error, yielding it.
func (s *Service) ListPublicKeysAll(ctx context.Context, in ListPublicKeysInput) iter.Seq2[PublicKey, error] {
	return allPages(ctx, in, s.ListPublicKeys, func(in *ListPublicKeysInput, tok string) { in.NextToken = tok },
		func(out *ListPublicKeysOutput) ([]PublicKey, string) { return out.PublicKeyList, out.NextToken })
}

// ListTagsAll walks every page of ListTags for in. It stops at the first
// error, yielding it.
func (s *Service) ListTagsAll(ctx context.Context, in ListTagsInput) iter.Seq2[ResourceTag, error] {
	return allPages(ctx, in, s.ListTags, func(in *ListTagsInput, tok string) { in.NextToken = tok },
		func(out *ListTagsOutput) ([]ResourceTag, string) { return out.ResourceTagList, out.NextToken })
}

// ListTrailsAll walks every page of ListTrails for in. It stops at the first
// error, yielding it.
func (s *Service) ListTrailsAll(ctx context.Context, in ListTrailsInput) iter.Seq2[TrailInfo, error] {
	return allPages(ctx, in, s.ListTrails, func(in *ListTrailsInput, tok string) { in.NextToken = tok },
		func(out *ListTrailsOutput) ([]TrailInfo, string) { return out.Trails, out.NextToken })
}

// Bool returns a pointer to v, for the optional booleans of inputs
// (CreateTrailInput.IsMultiRegionTrail, ...).
func Bool(v bool) *bool { return &v }

// Int32 returns a pointer to v, for the optional numbers of inputs
// (LookupEventsInput.MaxResults).
func Int32(v int32) *int32 { return &v }
