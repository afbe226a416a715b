package stream

import "strings"

// Sequence numbers have AWS's layout: 47 hexadecimal digits (188 bits),
// written in decimal as 56 digits,
//
//	2 | shard epoch (9) | shard index low nibble (1) | counter (16) | 00 | record epoch (9) | shard index (8) | 2
//
// where the shard epoch is the second the shard was created (a child's is
// one past its parents' close, so its numbers are above all of theirs), the
// counter counts the shard's records from 0 (its top bit is always 0) and
// the record epoch is the second the record arrived. Within a shard numbers
// grow with the counter, so numeric order is storage order.
type seqParts struct {
	shardEpoch int64  // 36 bits
	shardIndex uint32 // 32 bits
	counter    uint64 // 63 bits
	recordSec  int64  // 36 bits
}

// endCounter is the counter of a closed shard's EndingSequenceNumber.
const endCounter = 1<<63 - 1

// shl shifts the 192-bit big-endian v left by n < 64 bits and ors x in.
func shl(v *[3]uint64, n uint, x uint64) {
	v[0] = v[0]<<n | v[1]>>(64-n)
	v[1] = v[1]<<n | v[2]>>(64-n)
	v[2] = v[2]<<n | x
}

// shlWide is shl for n == 64.
func shlWide(v *[3]uint64, x uint64) { v[0], v[1], v[2] = v[1], v[2], x }

// shr shifts v right by n < 64 bits and returns the bits shifted out.
func shr(v *[3]uint64, n uint) uint64 {
	out := v[2] & (1<<n - 1)
	v[2] = v[2]>>n | v[1]<<(64-n)
	v[1] = v[1]>>n | v[0]<<(64-n)
	v[0] >>= n
	return out
}

func (p seqParts) value() [3]uint64 {
	var v [3]uint64
	shl(&v, 4, 2)
	shl(&v, 36, uint64(p.shardEpoch)&(1<<36-1))
	shl(&v, 4, uint64(p.shardIndex&0xf))
	shlWide(&v, p.counter)
	shl(&v, 8, 0)
	shl(&v, 36, uint64(p.recordSec)&(1<<36-1))
	shl(&v, 32, uint64(p.shardIndex))
	shl(&v, 4, 2)
	return v
}

// appendTo appends the sequence number in decimal.
func (p seqParts) appendTo(dst []byte) []byte { return appendDecimal(dst, p.value()) }

// String returns the sequence number in decimal.
func (p seqParts) String() string { return string(p.appendTo(make([]byte, 0, seqLen))) }

// seqLen is the length of a sequence number in decimal.
const seqLen = 56

// parseSeq decodes a sequence number sluice issued; ok is false for any
// other decimal string.
func parseSeq(s string) (p seqParts, ok bool) {
	if len(s) > 60 {
		return p, false
	}
	v, ok := parseDecimal(s)
	if !ok || v[0]>>56 != 2 {
		return p, false
	}
	if shr(&v, 4) != 2 {
		return p, false
	}
	p.shardIndex = uint32(shr(&v, 32))
	p.recordSec = int64(shr(&v, 36))
	if shr(&v, 8) != 0 {
		return p, false
	}
	p.counter = v[2]
	v[2], v[1], v[0] = v[1], v[0], 0
	if p.counter > endCounter || shr(&v, 4) != uint64(p.shardIndex&0xf) {
		return p, false
	}
	p.shardEpoch = int64(shr(&v, 36))
	return p, true
}

// isSequenceText reports whether s matches AWS's SequenceNumber pattern
// 0|([1-9]\d{0,128}).
func isSequenceText(s string) bool {
	if s == "0" {
		return true
	}
	if len(s) < 1 || len(s) > 129 || s[0] < '1' || s[0] > '9' {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// CompareSequenceNumbers compares two sequence numbers as AWS orders them,
// as unsigned decimal integers (never as strings: lengths may differ). It
// returns -1, 0 or +1; ok is false if either is not a decimal number.
// Sequence numbers are ordered within a shard, and a child shard's are above
// its parents'.
func CompareSequenceNumbers(a, b string) (cmp int, ok bool) {
	if !isSequenceText(a) || !isSequenceText(b) {
		return 0, false
	}
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1, true
		}
		return 1, true
	}
	return strings.Compare(a, b), true
}
