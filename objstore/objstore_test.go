package objstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testStore(t *testing.T, s Store) {
	ctx := context.Background()
	_, err := s.Get(ctx, "b", "missing")
	require.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, s.Put(ctx, Object{Bucket: "b", Key: "AWSLogs/1/x.json.gz", Body: []byte("one"), Metadata: map[string]string{"signature": "abc"}}))
	require.NoError(t, s.Put(ctx, Object{Bucket: "b", Key: "AWSLogs/1/a.json.gz", Body: []byte("two")}))
	require.NoError(t, s.Put(ctx, Object{Bucket: "other", Key: "AWSLogs/1/z", Body: []byte("3")}))
	obj, err := s.Get(ctx, "b", "AWSLogs/1/x.json.gz")
	require.NoError(t, err)
	assert.Equal(t, "one", string(obj.Body))
	assert.Equal(t, "abc", obj.Metadata["signature"])
	keys, err := s.List(ctx, "b", "AWSLogs/")
	require.NoError(t, err)
	assert.Equal(t, []string{"AWSLogs/1/a.json.gz", "AWSLogs/1/x.json.gz"}, keys)
	keys, err = s.List(ctx, "nobucket", "")
	require.NoError(t, err)
	assert.Empty(t, keys)
	require.NoError(t, s.Delete(ctx, "b", "AWSLogs/1/a.json.gz"))
	require.NoError(t, s.Delete(ctx, "b", "AWSLogs/1/a.json.gz"))
	keys, _ = s.List(ctx, "b", "")
	assert.Equal(t, []string{"AWSLogs/1/x.json.gz"}, keys)
	assert.Error(t, s.Put(ctx, Object{Bucket: "", Key: "k"}))
}

func TestMemory(t *testing.T) { testStore(t, &Memory{}) }

func TestDir(t *testing.T) {
	root := t.TempDir()
	d := NewDir(root)
	testStore(t, d)
	body, err := os.ReadFile(filepath.Join(root, "b", "AWSLogs", "1", "x.json.gz"))
	require.NoError(t, err)
	assert.Equal(t, "one", string(body))
	assert.Error(t, d.Put(context.Background(), Object{Bucket: "b", Key: "../../etc/x", Body: nil}))
}

func ExampleMemory() {
	var s Memory
	ctx := context.Background()
	_ = s.Put(ctx, Object{Bucket: "trail-bucket", Key: "AWSLogs/123456789012/CloudTrail/x.json.gz", Body: []byte("...")})
	keys, _ := s.List(ctx, "trail-bucket", "AWSLogs/")
	fmt.Println(keys)
	// Output: [AWSLogs/123456789012/CloudTrail/x.json.gz]
}
