package firehose

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Destination is where a delivery stream writes objects: an S3 bucket.
// [Bucket] keeps them in memory and [Dir] writes them to disk; a user can
// implement it to send them anywhere. PutObject is called with no lock
// held, possibly from several goroutines at once (a put and the clock's
// timer); an error makes the stream retry the same key and body later,
// on the clock, for up to 24 hours.
type Destination interface {
	PutObject(ctx context.Context, key string, body []byte) error
}

// Object is an object of a [Bucket].
type Object struct {
	Key  string
	Body []byte
}

// Bucket is an in-memory S3 bucket: objects by key, listable. It is what
// tests read. The zero value is not usable; see [NewBucket] and
// [Service.Bucket].
//
// A Bucket is safe for concurrent use.
type Bucket struct {
	mu      sync.Mutex
	objects map[string][]byte
}

var (
	_ Destination = (*Bucket)(nil)
	_ Destination = Dir("")
)

// NewBucket returns an empty bucket.
func NewBucket() *Bucket { return &Bucket{objects: map[string][]byte{}} }

// PutObject stores body under key, replacing any object of that key.
func (b *Bucket) PutObject(_ context.Context, key string, body []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = slices.Clone(body)
	return nil
}

// Keys returns the keys of the bucket's objects in lexical order.
func (b *Bucket) Keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Object returns the body of the object with the given key.
func (b *Bucket) Object(key string) ([]byte, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	body, ok := b.objects[key]
	return slices.Clone(body), ok
}

// Objects returns the objects whose keys start with prefix, by key.
func (b *Bucket) Objects(prefix string) []Object {
	var out []Object
	for _, k := range b.Keys() {
		if strings.HasPrefix(k, prefix) {
			body, _ := b.Object(k)
			out = append(out, Object{Key: k, Body: body})
		}
	}
	return out
}

// Len returns how many objects the bucket holds.
func (b *Bucket) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.objects)
}

// Dir is a directory on disk standing in for a bucket: an object with key
// "a/b/c" is the file Dir/a/b/c. Register it with [Service.RegisterBucket].
type Dir string

// PutObject writes body to the file named by key under the directory,
// creating the directories in between. Keys that would leave the
// directory are rejected.
func (d Dir) PutObject(_ context.Context, key string, body []byte) error {
	if !filepath.IsLocal(filepath.FromSlash(key)) {
		return &os.PathError{Op: "PutObject", Path: key, Err: os.ErrInvalid}
	}
	name := filepath.Join(string(d), filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, body, 0o644)
}

// DestinationFunc is a function used as a [Destination].
type DestinationFunc func(ctx context.Context, key string, body []byte) error

// PutObject calls f.
func (f DestinationFunc) PutObject(ctx context.Context, key string, body []byte) error {
	return f(ctx, key, body)
}
