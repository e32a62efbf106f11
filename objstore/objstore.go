// Package objstore is the object store that CloudTrail log and digest files and
// AWS Config snapshots are delivered to: the analogue of Amazon S3 for the stack.
//
// [Memory] keeps objects in memory; [Dir] writes them under a directory whose
// relative paths are the S3 keys (bucket/key), so the AWS CLI's
// `aws cloudtrail validate-logs`-style tools and ordinary file tools can read
// them. Applications may implement [Store] over anything else.
package objstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// ErrNotFound is returned by Get for a missing object (S3's NoSuchKey).
var ErrNotFound = errors.New("objstore: NoSuchKey: the specified key does not exist")

// Object is a stored object: its bytes and its user metadata (S3's
// x-amz-meta-* headers, without the prefix, e.g. "signature" on a CloudTrail
// digest file).
type Object struct {
	Bucket   string
	Key      string
	Body     []byte
	Metadata map[string]string
}

// Store holds objects by bucket and key. Implementations must be safe for
// concurrent use.
type Store interface {
	// Put stores obj, replacing any object with the same bucket and key.
	Put(ctx context.Context, obj Object) error
	// Get returns the object, or an error wrapping ErrNotFound.
	Get(ctx context.Context, bucket, key string) (Object, error)
	// List returns the keys in bucket that start with prefix, in lexical order.
	List(ctx context.Context, bucket, prefix string) ([]string, error)
	// Delete removes the object; deleting a missing object is not an error.
	Delete(ctx context.Context, bucket, key string) error
}

// Memory is an in-memory Store. The zero value is ready to use.
type Memory struct {
	mu      sync.RWMutex
	objects map[string]Object // bucket + "\x00" + key
}

func memKey(bucket, key string) string { return bucket + "\x00" + key }

// Put implements Store. It copies the body and metadata.
func (m *Memory) Put(_ context.Context, obj Object) error {
	if obj.Bucket == "" || obj.Key == "" {
		return fmt.Errorf("objstore: bucket and key are required (got %q, %q)", obj.Bucket, obj.Key)
	}
	obj.Body = slices.Clone(obj.Body)
	obj.Metadata = maps.Clone(obj.Metadata)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.objects == nil {
		m.objects = make(map[string]Object)
	}
	m.objects[memKey(obj.Bucket, obj.Key)] = obj
	return nil
}

// Get implements Store.
func (m *Memory) Get(_ context.Context, bucket, key string) (Object, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	obj, ok := m.objects[memKey(bucket, key)]
	if !ok {
		return Object{}, fmt.Errorf("%w: s3://%s/%s", ErrNotFound, bucket, key)
	}
	obj.Body = slices.Clone(obj.Body)
	obj.Metadata = maps.Clone(obj.Metadata)
	return obj, nil
}

// List implements Store.
func (m *Memory) List(_ context.Context, bucket, prefix string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	var keys []string
	for _, obj := range m.objects {
		if obj.Bucket == bucket && strings.HasPrefix(obj.Key, prefix) {
			keys = append(keys, obj.Key)
		}
	}
	slices.Sort(keys)
	return keys, nil
}

// Delete implements Store.
func (m *Memory) Delete(_ context.Context, bucket, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, memKey(bucket, key))
	return nil
}

// Dir is a Store that writes each object to Root/bucket/key, with its metadata
// (if any) beside it in Root/.metadata/bucket/key.json.
type Dir struct {
	Root string
	mu   sync.Mutex
}

// NewDir returns a Dir store rooted at root.
func NewDir(root string) *Dir { return &Dir{Root: root} }

func (d *Dir) path(bucket, key string) (string, error) {
	if bucket == "" || key == "" || strings.Contains(bucket, "/") || strings.Contains(bucket, "..") {
		return "", fmt.Errorf("objstore: invalid bucket or key %q, %q", bucket, key)
	}
	p := filepath.Join(d.Root, bucket, filepath.FromSlash(key))
	if !strings.HasPrefix(p, filepath.Join(d.Root, bucket)+string(filepath.Separator)) {
		return "", fmt.Errorf("objstore: key %q escapes the bucket", key)
	}
	return p, nil
}

func (d *Dir) metaPath(bucket, key string) string {
	return filepath.Join(d.Root, ".metadata", bucket, filepath.FromSlash(key)+".json")
}

// Put implements Store.
func (d *Dir) Put(_ context.Context, obj Object) error {
	p, err := d.path(obj.Bucket, obj.Key)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, obj.Body, 0o644); err != nil {
		return err
	}
	mp := d.metaPath(obj.Bucket, obj.Key)
	if len(obj.Metadata) == 0 {
		_ = os.Remove(mp)
		return nil
	}
	meta, err := json.Marshal(obj.Metadata)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(mp), 0o755); err != nil {
		return err
	}
	return os.WriteFile(mp, meta, 0o644)
}

// Get implements Store.
func (d *Dir) Get(_ context.Context, bucket, key string) (Object, error) {
	p, err := d.path(bucket, key)
	if err != nil {
		return Object{}, err
	}
	body, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, fmt.Errorf("%w: s3://%s/%s", ErrNotFound, bucket, key)
	}
	if err != nil {
		return Object{}, err
	}
	obj := Object{Bucket: bucket, Key: key, Body: body}
	if meta, err := os.ReadFile(d.metaPath(bucket, key)); err == nil {
		if err := json.Unmarshal(meta, &obj.Metadata); err != nil {
			return Object{}, fmt.Errorf("objstore: metadata of s3://%s/%s: %w", bucket, key, err)
		}
	}
	return obj, nil
}

// List implements Store.
func (d *Dir) List(_ context.Context, bucket, prefix string) ([]string, error) {
	root := filepath.Join(d.Root, bucket)
	var keys []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if key := filepath.ToSlash(rel); strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
		return nil
	})
	slices.Sort(keys)
	return keys, err
}

// Delete implements Store.
func (d *Dir) Delete(_ context.Context, bucket, key string) error {
	p, err := d.path(bucket, key)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	_ = os.Remove(d.metaPath(bucket, key))
	return nil
}
