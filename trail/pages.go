package trail

import (
	"context"
	"iter"

	"github.com/localwatch/localwatch/internal/pages"
)

// ListPublicKeysAll walks every page of ListPublicKeys for in. It stops at
// the first error, yielding it.
func (s *Service) ListPublicKeysAll(ctx context.Context, in ListPublicKeysInput) iter.Seq2[PublicKey, error] {
	return pages.All(ctx, in, s.ListPublicKeys, func(in *ListPublicKeysInput, tok string) { in.NextToken = tok },
		func(out *ListPublicKeysOutput) ([]PublicKey, string) { return out.PublicKeyList, out.NextToken })
}

// ListTagsAll walks every page of ListTags for in. It stops at the first
// error, yielding it.
func (s *Service) ListTagsAll(ctx context.Context, in ListTagsInput) iter.Seq2[ResourceTag, error] {
	return pages.All(ctx, in, s.ListTags, func(in *ListTagsInput, tok string) { in.NextToken = tok },
		func(out *ListTagsOutput) ([]ResourceTag, string) { return out.ResourceTagList, out.NextToken })
}

// ListTrailsAll walks every page of ListTrails for in. It stops at the first
// error, yielding it.
func (s *Service) ListTrailsAll(ctx context.Context, in ListTrailsInput) iter.Seq2[TrailInfo, error] {
	return pages.All(ctx, in, s.ListTrails, func(in *ListTrailsInput, tok string) { in.NextToken = tok },
		func(out *ListTrailsOutput) ([]TrailInfo, string) { return out.Trails, out.NextToken })
}

// Bool returns a pointer to v, for the optional booleans of inputs
// (CreateTrailInput.IsMultiRegionTrail, ...).
func Bool(v bool) *bool { return &v }

// Int32 returns a pointer to v, for the optional numbers of inputs
// (LookupEventsInput.MaxResults).
func Int32(v int32) *int32 { return &v }
