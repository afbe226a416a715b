package firehose_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/snappy"

	"github.com/sluicehq/sluice/firehose"
)

func TestCompression(t *testing.T) {
	records := []string{"alpha\n", "beta\n", strings.Repeat("gamma", 100) + "\n"}
	want := strings.Join(records, "")
	tests := []struct {
		format firehose.CompressionFormat
		ext    string
		decode func([]byte) (string, error)
	}{
		{firehose.Uncompressed, "", func(b []byte) (string, error) { return string(b), nil }},
		{firehose.GZIP, ".gz", func(b []byte) (string, error) {
			r, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return "", err
			}
			out, err := io.ReadAll(r)
			return string(out), err
		}},
		{firehose.ZIP, ".zip", func(b []byte) (string, error) {
			z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil || len(z.File) != 1 {
				return "", err
			}
			f, err := z.File[0].Open()
			if err != nil {
				return "", err
			}
			out, err := io.ReadAll(f)
			return string(out), err
		}},
		{firehose.Snappy, ".snappy", func(b []byte) (string, error) {
			out, err := io.ReadAll(snappy.NewReader(bytes.NewReader(b)))
			return string(out), err
		}},
		{firehose.HadoopSnappy, ".hsnappy", func(b []byte) (string, error) {
			var out []byte
			for len(b) > 0 {
				n := binary.BigEndian.Uint32(b[4:8])
				block, err := snappy.Decode(nil, b[8:8+n])
				if err != nil {
					return "", err
				}
				if uint32(len(block)) != binary.BigEndian.Uint32(b[:4]) {
					return "", io.ErrUnexpectedEOF
				}
				out = append(out, block...)
				b = b[8+n:]
			}
			return string(out), nil
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			run(t, func(e *env) {
				c := s3(1, 60)
				c.CompressionFormat = tt.format
				d := e.createS3("s", c)
				e.put(d, records...)
				e.advance(time.Minute)
				objs := e.bucket().Objects("")
				if len(objs) != 1 || !strings.HasSuffix(objs[0].Key, "-"+objs[0].Key[len(objs[0].Key)-36-len(tt.ext):len(objs[0].Key)-len(tt.ext)]+tt.ext) {
					t.Fatalf("objects = %v, want one ending %q", e.bucket().Keys(), tt.ext)
				}
				got, err := tt.decode(objs[0].Body)
				if err != nil || got != want {
					t.Fatalf("decoded = %q, %v; want %q", got, err, want)
				}
			})
		})
	}
}

func TestFileExtension(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 60)
		c.CompressionFormat = firehose.GZIP
		c.FileExtension = ".json.gz"
		d := e.createS3("s", c)
		e.put(d, "x")
		e.advance(time.Minute)
		if keys := e.bucket().Keys(); len(keys) != 1 || !strings.HasSuffix(keys[0], ".json.gz") {
			t.Fatalf("keys = %v", keys)
		}
	})
}

func TestSizeMeasuredBeforeCompression(t *testing.T) {
	run(t, func(e *env) {
		c := s3(1, 900)
		c.CompressionFormat = firehose.GZIP
		d := e.createS3("s", c)
		e.put(d, strings.Repeat("z", 600_000), strings.Repeat("z", 600_000))
		if n := e.bucket().Len(); n != 1 {
			t.Fatalf("%d objects after 1 MiB of compressible data, want 1", n)
		}
	})
}
