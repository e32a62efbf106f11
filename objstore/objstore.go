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
	"unicode/utf8"
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

// ErrInvalidName is returned (wrapped, with the offending name) by every
// method of [Dir] for a bucket or key it cannot hold under its root: a bucket
// that is not a single safe path component, or a key with an empty, "." or
// ".." segment, a NUL, invalid UTF-8 or more than 1,024 bytes (S3's limit).
var ErrInvalidName = errors.New("objstore: invalid bucket or key")

// Dir is a Store that writes each object to Root/bucket/key, with its metadata
// (if any) beside it in Root/.metadata/bucket/key.json.
//
// Writes are atomic and durable: Put writes a temporary file in the object's
// own directory, fsyncs it, renames it over the final name and fsyncs the
// directory (and every directory it had to create), so a reader — in this
// process or another — sees the old object or the new one, never a torn
// one, and a writer killed mid-way leaves the old object (or none) at the
// key; at worst a temporary file (named ".objstore-tmp-*", which List skips).
// The metadata file is written before the body, so a new object never
// appears without its metadata; a crash between the two while replacing an
// object can leave the old body beside the new metadata. Within one process
// Get and List also never see a Put half done.
//
// Buckets are single path components of letters, digits, '.', '_' and '-'
// not starting with '.' (every S3 bucket name, legacy ones included); keys
// are S3 keys whose "/"-separated segments are neither empty nor "." nor
// "..". Every method refuses anything else with an error wrapping
// [ErrInvalidName], so nothing outside Root is ever read, listed or written.
// A key cannot also be a "directory" of other keys ("a" and "a/b"), as it
// can in S3.
type Dir struct {
	Root string
	mu   sync.RWMutex // Put and Delete hold it for writing, Get and List for reading
}

// NewDir returns a Dir store rooted at root.
func NewDir(root string) *Dir { return &Dir{Root: root} }

// tmpPrefix starts the name of a file being written.
const tmpPrefix = ".objstore-tmp-"

func checkBucket(bucket string) error {
	if bucket == "" || len(bucket) > 255 || bucket[0] == '.' {
		return fmt.Errorf("%w: bucket %q", ErrInvalidName, bucket)
	}
	for _, c := range []byte(bucket) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("%w: bucket %q", ErrInvalidName, bucket)
		}
	}
	return nil
}

func checkKey(key string) error {
	if key == "" || len(key) > 1024 || !utf8.ValidString(key) || strings.ContainsRune(key, 0) ||
		(filepath.Separator != '/' && strings.ContainsRune(key, filepath.Separator)) {
		return fmt.Errorf("%w: key %q", ErrInvalidName, key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, tmpPrefix) {
			return fmt.Errorf("%w: key %q", ErrInvalidName, key)
		}
	}
	return nil
}

func (d *Dir) path(bucket, key string) (string, error) {
	if err := checkBucket(bucket); err != nil {
		return "", err
	}
	if err := checkKey(key); err != nil {
		return "", err
	}
	return filepath.Join(d.Root, bucket, filepath.FromSlash(key)), nil
}

func (d *Dir) metaPath(bucket, key string) string {
	return filepath.Join(d.Root, ".metadata", bucket, filepath.FromSlash(key)+".json")
}

// writeBody writes an object's bytes to its temporary file (a variable so a
// test can make a writer fail or stall mid-way).
var writeBody = func(f *os.File, b []byte) error {
	_, err := f.Write(b)
	return err
}

// writeAtomic replaces the file at p with data: temporary file in the same
// directory, fsync, rename, fsync of the directory.
func writeAtomic(p string, data []byte) (err error) {
	dir := filepath.Dir(p)
	if err := mkdirAllSync(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(tmp)
		}
	}()
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = writeBody(f, data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, p); err != nil {
		return err
	}
	return syncDir(dir)
}

// mkdirAllSync creates dir and its missing parents, fsyncing the parent of
// each directory it creates so that the new entries survive a crash.
func mkdirAllSync(dir string) error {
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil {
			break
		}
		missing = append(missing, p)
		if filepath.Dir(p) == p {
			break
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := syncDir(filepath.Dir(missing[i])); err != nil {
			return err
		}
	}
	return nil
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Put implements Store: atomically and durably (see [Dir]).
func (d *Dir) Put(_ context.Context, obj Object) error {
	p, err := d.path(obj.Bucket, obj.Key)
	if err != nil {
		return err
	}
	var meta []byte
	if len(obj.Metadata) > 0 {
		if meta, err = json.Marshal(obj.Metadata); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return fmt.Errorf("objstore: s3://%s/%s: a Dir cannot hold a key that is also a prefix of other keys", obj.Bucket, obj.Key)
	}
	mp := d.metaPath(obj.Bucket, obj.Key)
	if meta != nil {
		if err := writeAtomic(mp, meta); err != nil {
			return err
		}
	} else if err := os.Remove(mp); err == nil {
		if err := syncDir(filepath.Dir(mp)); err != nil {
			return err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return writeAtomic(p, obj.Body)
}

// Get implements Store.
func (d *Dir) Get(_ context.Context, bucket, key string) (Object, error) {
	p, err := d.path(bucket, key)
	if err != nil {
		return Object{}, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
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

// List implements Store. It never lists outside Root/bucket, and skips
// files being written.
func (d *Dir) List(_ context.Context, bucket, prefix string) ([]string, error) {
	if err := checkBucket(bucket); err != nil {
		return nil, err
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	root := filepath.Join(d.Root, bucket)
	var keys []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() || strings.HasPrefix(e.Name(), tmpPrefix) {
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
	err = os.Remove(p)
	if errors.Is(err, fs.ErrNotExist) {
		_ = os.Remove(d.metaPath(bucket, key))
		return nil // deleting a missing object is not an error
	}
	if err != nil {
		return err
	}
	_ = os.Remove(d.metaPath(bucket, key))
	return syncDir(filepath.Dir(p))
}
