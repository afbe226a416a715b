package stream

import (
	"math/big"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

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
func (p seqParts) appendTo(dst []byte) []byte { return p.decimal().appendTo(dst) }

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

// seqDec is a sequence number in base 10^19, most significant limb first:
// the form it is printed from.
type seqDec [3]uint64

// counterStep is 2^80, what one more in the counter adds to a sequence
// number; secondStep is 2^36, what one more second of arrival adds.
var counterStep = seqDec{0, 120892, 5819614629174706176}

const secondStep = 1 << 36

func (p seqParts) decimal() seqDec {
	v := p.value()
	var d seqDec
	for i := 2; i >= 0; i-- {
		var r uint64
		for j := range 3 {
			v[j], r = bits.Div64(r, v[j], pow19)
		}
		d[i] = r
	}
	return d
}

// add adds e to d.
func (d *seqDec) add(e seqDec) {
	var carry uint64
	for i := 2; i >= 0; i-- {
		d[i] += e[i] + carry
		carry = 0
		if d[i] >= pow19 {
			d[i] -= pow19
			carry = 1
		}
	}
}

// appendTo prints d without leading zeros.
func (d seqDec) appendTo(dst []byte) []byte {
	i := 0
	for i < 2 && d[i] == 0 {
		i++
	}
	dst = strconv.AppendUint(dst, d[i], 10)
	for i++; i < 3; i++ {
		dst = appendPadded19(dst, d[i])
	}
	return dst
}

const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendPadded19 appends c < 10^19 as exactly 19 digits.
func appendPadded19(dst []byte, c uint64) []byte {
	var buf [20]byte
	i := 20
	for i > 2 {
		q := c / 100
		r := c - q*100
		i -= 2
		buf[i], buf[i+1] = digitPairs[2*r], digitPairs[2*r+1]
		c = q
	}
	// buf[2:20] holds 18 digits; c < 10 is the 19th.
	buf[1] = byte('0' + c)
	return append(dst, buf[1:]...)
}

// seqFormatter prints the sequence numbers of one shard in counter order
// fast: from one number to the next it adds instead of dividing.
type seqFormatter struct {
	valid   bool
	counter uint64
	sec     int64
	d       seqDec
}

// appendTo appends p, which must be of the same shard as the numbers the
// formatter printed before.
func (f *seqFormatter) appendTo(dst []byte, p seqParts) []byte {
	if ds := p.recordSec - f.sec; f.valid && p.counter == f.counter+1 && ds >= 0 && ds < 100_000 {
		f.d.add(counterStep)
		f.d.add(seqDec{0, 0, uint64(ds) * secondStep})
	} else {
		f.d = p.decimal()
		f.valid = true
	}
	f.counter, f.sec = p.counter, p.recordSec
	return f.d.appendTo(dst)
}

// checkOrderingSeq applies AWS's rules to a SequenceNumberForOrdering, as
// kinesalite recorded them against the service: AWS reads it as one of its
// three sequence-number formats and refuses (invalid) what none of them
// fits, a version-2 number whose counter has its top bit set, and a number
// whose time is after now; a version-3 number is an internal failure.
func checkOrderingSeq(s string, now time.Time) (invalid, internal bool) {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return true, false
	}
	p124 := new(big.Int).Lsh(big.NewInt(1), 124)
	if v.Cmp(p124) < 0 {
		v.Add(v, p124)
	}
	hex := v.Text(16)
	p185 := new(big.Int).Lsh(big.NewInt(1), 185)
	version := -1
	switch {
	case v.Cmp(new(big.Int).Lsh(big.NewInt(1), 129)) < 0:
		version = 0
	case v.Cmp(p185) > 0 && v.Cmp(new(big.Int).Mul(big.NewInt(3), new(big.Int).Lsh(big.NewInt(1), 184))) < 0:
		version = int(hexDigit(hex[len(hex)-1]))
	}
	secs := func(from, to int) int64 {
		n, _ := strconv.ParseInt(hex[from:to], 16, 64)
		return n
	}
	switch version {
	case 0:
		return secs(1, 10) >= 16025175000, false
	case 1:
		return secs(13, 22) > now.Unix(), false
	case 2:
		return hexDigit(hex[11]) > 7 || secs(29, 38) > now.Unix(), false
	case 3:
		return false, true
	}
	return true, false
}

func hexDigit(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}
