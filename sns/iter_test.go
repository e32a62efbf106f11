package sns

import (
	"context"
	"fmt"
	"iter"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// count drains an iterator, failing on an error.
func count[T any](t *testing.T, seq iter.Seq2[T, error]) int {
	t.Helper()
	n := 0
	for _, err := range seq {
		require.NoError(t, err)
		n++
	}
	return n
}

func TestEveryPaginatedOperationHasAnIteratorOverAllPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	app, err := f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: "app0", Platform: "GCM", Attributes: map[string]string{"PlatformCredential": "k"}})
	require.NoError(t, err)
	for i := range 130 {
		f.s.OptOutPhoneNumber(fmt.Sprintf("+1555000%04d", i))
		_, err := f.s.CreatePlatformEndpoint(ctx, CreatePlatformEndpointInput{PlatformApplicationArn: app.PlatformApplicationArn, Token: fmt.Sprint("device-", i)})
		require.NoError(t, err)
		if i > 0 {
			_, err = f.s.CreatePlatformApplication(ctx, CreatePlatformApplicationInput{Name: fmt.Sprint("app", i), Platform: "GCM", Attributes: map[string]string{"PlatformCredential": "k"}})
			require.NoError(t, err)
		}
	}
	assert.Equal(t, 130, count(t, f.s.ListPhoneNumbersOptedOutAll(ctx, ListPhoneNumbersOptedOutInput{})))
	assert.Equal(t, 130, count(t, f.s.ListPlatformApplicationsAll(ctx, ListPlatformApplicationsInput{})))
	assert.Equal(t, 130, count(t, f.s.ListEndpointsByPlatformApplicationAll(ctx, ListEndpointsByPlatformApplicationInput{PlatformApplicationArn: app.PlatformApplicationArn})))
	assert.Equal(t, 30, count(t, f.s.ListPlatformApplicationsAll(ctx, ListPlatformApplicationsInput{NextToken: "100"})), "the walk starts at the Input's NextToken")

	var errs int
	for _, err := range f.s.ListTopicsAll(ctx, ListTopicsInput{NextToken: "bogus"}) {
		requireCode(t, err, "InvalidParameter")
		errs++
	}
	assert.Equal(t, 1, errs, "an error is yielded once and ends the walk")
}
