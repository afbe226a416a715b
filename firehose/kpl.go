package firehose

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
)

// kplMagic starts a record aggregated by the Kinesis Producer Library.
var kplMagic = []byte{0xF3, 0x89, 0x9A, 0xC2}

// kplRecord is one user record of a KPL aggregate.
type kplRecord struct {
	partitionKey string
	data         []byte
}

// deaggregate splits a KPL aggregated record into its user records. ok is
// false when data is not a well-formed aggregate (magic, protobuf
// AggregatedRecord, MD5 of the protobuf), which is then a plain record.
func deaggregate(data []byte) (recs []kplRecord, ok bool) {
	if len(data) < len(kplMagic)+md5.Size || !bytes.HasPrefix(data, kplMagic) {
		return nil, false
	}
	msg := data[len(kplMagic) : len(data)-md5.Size]
	sum := md5.Sum(msg)
	if !bytes.Equal(sum[:], data[len(data)-md5.Size:]) {
		return nil, false
	}
	var keys []string
	var raw [][]byte
	err := protoFields(msg, func(field int, v uint64, b []byte) bool {
		switch field {
		case 1:
			keys = append(keys, string(b))
		case 3:
			raw = append(raw, b)
		}
		return true
	})
	if err {
		return nil, false
	}
	for _, r := range raw {
		var rec kplRecord
		keyIndex := -1
		bad := protoFields(r, func(field int, v uint64, b []byte) bool {
			switch field {
			case 1:
				keyIndex = int(v)
			case 3:
				rec.data = b
			}
			return true
		})
		if bad || keyIndex < 0 || keyIndex >= len(keys) {
			return nil, false
		}
		rec.partitionKey = keys[keyIndex]
		recs = append(recs, rec)
	}
	return recs, true
}

// protoFields walks the fields of a protobuf message: varints give v,
// length-delimited fields give b. It reports whether the message was
// malformed.
func protoFields(msg []byte, fn func(field int, v uint64, b []byte) bool) (bad bool) {
	for len(msg) > 0 {
		tag, n := binary.Uvarint(msg)
		if n <= 0 {
			return true
		}
		msg = msg[n:]
		field, wire := int(tag>>3), tag&7
		switch wire {
		case 0:
			v, n := binary.Uvarint(msg)
			if n <= 0 {
				return true
			}
			msg = msg[n:]
			fn(field, v, nil)
		case 2:
			l, n := binary.Uvarint(msg)
			if n <= 0 || uint64(len(msg)-n) < l {
				return true
			}
			fn(field, 0, msg[n:n+int(l)])
			msg = msg[n+int(l):]
		case 1:
			if len(msg) < 8 {
				return true
			}
			msg = msg[8:]
		case 5:
			if len(msg) < 4 {
				return true
			}
			msg = msg[4:]
		default:
			return true
		}
	}
	return false
}

// aggregate builds a KPL aggregated record (for tests and examples that
// stand in for the KPL).
func aggregate(recs []kplRecord) []byte {
	var msg []byte
	keys := map[string]int{}
	var order []string
	for _, r := range recs {
		if _, ok := keys[r.partitionKey]; !ok {
			keys[r.partitionKey] = len(order)
			order = append(order, r.partitionKey)
		}
	}
	for _, k := range order {
		msg = appendBytesField(msg, 1, []byte(k))
	}
	for _, r := range recs {
		var rec []byte
		rec = binary.AppendUvarint(rec, 1<<3) // field 1, varint
		rec = binary.AppendUvarint(rec, uint64(keys[r.partitionKey]))
		rec = appendBytesField(rec, 3, r.data)
		msg = appendBytesField(msg, 3, rec)
	}
	sum := md5.Sum(msg)
	out := append(append([]byte{}, kplMagic...), msg...)
	return append(out, sum[:]...)
}

func appendBytesField(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}
