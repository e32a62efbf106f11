package objstore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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

// Every Dir method refuses a bucket or key that would resolve outside its
// root (or into its metadata tree) with ErrInvalidName, and touches nothing.
func TestDirRefusesNamesThatEscapeTheRoot(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "root")
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret"), []byte("s"), 0o644))
	d := NewDir(root)
	ctx := context.Background()
	badBuckets := []string{"", ".", "..", "../..", "a/b", "a\\b", ".metadata", "b\x00", "with space", strings.Repeat("b", 256)}
	for _, b := range badBuckets {
		_, err := d.List(ctx, b, "")
		assert.ErrorIs(t, err, ErrInvalidName, "List(%q)", b)
		_, err = d.Get(ctx, b, "secret")
		assert.ErrorIs(t, err, ErrInvalidName, "Get(%q)", b)
		assert.ErrorIs(t, d.Put(ctx, Object{Bucket: b, Key: "k", Body: []byte("x")}), ErrInvalidName, "Put(%q)", b)
		assert.ErrorIs(t, d.Delete(ctx, b, "k"), ErrInvalidName, "Delete(%q)", b)
	}
	badKeys := []string{"", "../secret", "a/../../secret", "a//b", "./a", "a/.", "a/", "/abs", "a\x00b", "bad\xffutf8", strings.Repeat("k", 1025), ".objstore-tmp-1"}
	for _, k := range badKeys {
		_, err := d.Get(ctx, "b", k)
		assert.ErrorIs(t, err, ErrInvalidName, "Get(%q)", k)
		assert.ErrorIs(t, d.Put(ctx, Object{Bucket: "b", Key: k, Body: []byte("x")}), ErrInvalidName, "Put(%q)", k)
		assert.ErrorIs(t, d.Delete(ctx, "b", k), ErrInvalidName, "Delete(%q)", k)
	}
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing was written")
	_, err = os.Stat(filepath.Join(parent, "secret"))
	assert.NoError(t, err, "nothing outside the root was deleted")
	// Legacy S3 bucket names (upper case, underscores) and ordinary keys work.
	require.NoError(t, d.Put(ctx, Object{Bucket: "Legacy_Bucket", Key: "a..b/c.d", Body: []byte("x")}))
	keys, err := d.List(ctx, "Legacy_Bucket", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"a..b/c.d"}, keys)
}

// A writer that fails mid-way leaves the old object at the key (or none), and
// no temporary file behind.
func TestDirFailedWriteLeavesTheOldObject(t *testing.T) {
	root := t.TempDir()
	d := NewDir(root)
	ctx := context.Background()
	require.NoError(t, d.Put(ctx, Object{Bucket: "b", Key: "dir/old", Body: []byte("old"), Metadata: map[string]string{"v": "old"}}))
	orig := writeBody
	t.Cleanup(func() { writeBody = orig })
	writeBody = func(f *os.File, b []byte) error {
		_, _ = f.Write(b[:len(b)/2])
		return errors.New("disk full")
	}
	require.Error(t, d.Put(ctx, Object{Bucket: "b", Key: "dir/old", Body: bytes.Repeat([]byte("n"), 1000)}))
	require.Error(t, d.Put(ctx, Object{Bucket: "b", Key: "dir/new", Body: bytes.Repeat([]byte("n"), 1000)}))
	writeBody = orig
	obj, err := d.Get(ctx, "b", "dir/old")
	require.NoError(t, err)
	assert.Equal(t, "old", string(obj.Body))
	_, err = d.Get(ctx, "b", "dir/new")
	assert.ErrorIs(t, err, ErrNotFound)
	entries, err := os.ReadDir(filepath.Join(root, "b", "dir"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")
	assert.Equal(t, "old", entries[0].Name())
}

// A writer process killed in the middle of a Put leaves the previous object
// intact at the final key: the crash is real (the child process is killed
// while its write is half done), not simulated by an error.
func TestDirKilledWriterLeavesNothingAtTheKey(t *testing.T) {
	if root := os.Getenv("OBJSTORE_KILLED_WRITER_ROOT"); root != "" {
		// The child: start rewriting the key, stall half-way, wait to be killed.
		writeBody = func(f *os.File, b []byte) error {
			_, _ = f.Write(b[:len(b)/2])
			_ = f.Sync()
			fmt.Println("half-written")
			select {}
		}
		_ = NewDir(root).Put(context.Background(), Object{Bucket: "b", Key: "AWSLogs/x.json.gz", Body: bytes.Repeat([]byte("n"), 1<<20)})
		os.Exit(0)
	}
	root := t.TempDir()
	d := NewDir(root)
	ctx := context.Background()
	require.NoError(t, d.Put(ctx, Object{Bucket: "b", Key: "AWSLogs/x.json.gz", Body: []byte("old")}))
	cmd := exec.Command(os.Args[0], "-test.run=^TestDirKilledWriterLeavesNothingAtTheKey$")
	cmd.Env = append(os.Environ(), "OBJSTORE_KILLED_WRITER_ROOT="+root)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "half-written\n", line)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	obj, err := d.Get(ctx, "b", "AWSLogs/x.json.gz")
	require.NoError(t, err)
	assert.Equal(t, "old", string(obj.Body), "the killed writer left the old object whole")
	keys, err := d.List(ctx, "b", "")
	require.NoError(t, err)
	assert.Equal(t, []string{"AWSLogs/x.json.gz"}, keys, "the abandoned temporary file is not listed")
}

// Reads concurrent with rewrites of the same key see one whole version, body
// and metadata together: never a torn or mixed object.
func TestDirReadsDuringRewritesAreNeverTorn(t *testing.T) {
	d := NewDir(t.TempDir())
	ctx := context.Background()
	versions := []Object{
		{Bucket: "b", Key: "k", Body: bytes.Repeat([]byte("a"), 256<<10), Metadata: map[string]string{"v": "a"}},
		{Bucket: "b", Key: "k", Body: bytes.Repeat([]byte("b"), 300<<10), Metadata: map[string]string{"v": "b"}},
	}
	require.NoError(t, d.Put(ctx, versions[0]))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := range 200 {
			assert.NoError(t, d.Put(ctx, versions[i%2]))
		}
	}()
	var torn, reads atomic.Int64
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				obj, err := d.Get(ctx, "b", "k")
				if !assert.NoError(t, err) {
					return
				}
				reads.Add(1)
				v := obj.Metadata["v"]
				want := versions[0]
				if v == "b" {
					want = versions[1]
				}
				if !bytes.Equal(obj.Body, want.Body) {
					torn.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, torn.Load(), "torn reads out of %d", reads.Load())
}
