package firehose

import (
	"archive/zip"
	"bytes"
	"encoding/binary"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/snappy"
)

// extension is the object-name extension of a compression format.
func extension(f CompressionFormat) string {
	switch f {
	case GZIP:
		return ".gz"
	case ZIP:
		return ".zip"
	case Snappy:
		return ".snappy"
	case HadoopSnappy:
		return ".hsnappy"
	}
	return ""
}

// compress compresses an object's body. name is the object's file name,
// the name of the entry of a ZIP archive.
func compress(f CompressionFormat, body []byte, name string) ([]byte, error) {
	var buf bytes.Buffer
	switch f {
	case GZIP:
		w := gzip.NewWriter(&buf)
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	case ZIP:
		zw := zip.NewWriter(&buf)
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
	case Snappy:
		// The Snappy framing format (stream identifier, checksummed chunks).
		w := snappy.NewBufferedWriter(&buf)
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
	case HadoopSnappy:
		return hadoopSnappy(body), nil
	default:
		return body, nil
	}
	return buf.Bytes(), nil
}

// hadoopBlock is the block size of Hadoop's SnappyCodec (256 KiB).
const hadoopBlock = 256 << 10

// hadoopSnappy writes Hadoop's BlockCompressorStream framing: for each
// block, its uncompressed length, then one compressed chunk with its
// length, both 4-byte big-endian.
func hadoopSnappy(body []byte) []byte {
	var out []byte
	for len(body) > 0 {
		n := min(len(body), hadoopBlock)
		block := s2.EncodeSnappy(nil, body[:n])
		out = binary.BigEndian.AppendUint32(out, uint32(n))
		out = binary.BigEndian.AppendUint32(out, uint32(len(block)))
		out = append(out, block...)
		body = body[n:]
	}
	return out
}
