package stream

import (
	"crypto/md5"
	"encoding/binary"
	"math/big"
	"math/bits"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
)

// hashKey is a point of Kinesis's 128-bit hash-key space [0, 2^128).
type hashKey struct{ hi, lo uint64 }

// maxHashKey is 2^128-1, the end of the last shard's range.
var maxHashKey = hashKey{^uint64(0), ^uint64(0)}

func (a hashKey) cmp(b hashKey) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

func (a hashKey) less(b hashKey) bool { return a.cmp(b) < 0 }

// add returns a+n, wrapping at 2^128.
func (a hashKey) add(n uint64) hashKey {
	lo, c := bits.Add64(a.lo, n, 0)
	return hashKey{a.hi + c, lo}
}

// sub returns a-n, wrapping below 0.
func (a hashKey) sub(n uint64) hashKey {
	lo, b := bits.Sub64(a.lo, n, 0)
	return hashKey{a.hi - b, lo}
}

// String returns the key in decimal, as AWS writes hash keys.
func (a hashKey) String() string {
	return string(appendDecimal(nil, [3]uint64{0, a.hi, a.lo}))
}

func (a hashKey) big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], a.hi)
	binary.BigEndian.PutUint64(b[8:], a.lo)
	return new(big.Int).SetBytes(b[:])
}

func hashKeyFromBig(b *big.Int) hashKey {
	var buf [16]byte
	b.FillBytes(buf[:])
	return hashKey{binary.BigEndian.Uint64(buf[:8]), binary.BigEndian.Uint64(buf[8:])}
}

// partitionHash is AWS's routing hash: the MD5 of the partition key's UTF-8
// bytes read as a big-endian unsigned 128-bit integer.
func partitionHash(key string) hashKey {
	sum := md5.Sum([]byte(key))
	return hashKey{binary.BigEndian.Uint64(sum[:8]), binary.BigEndian.Uint64(sum[8:])}
}

// PartitionKeyHash returns the hash key AWS routes a record with this
// partition key to, in decimal: the MD5 of its UTF-8 bytes as a big-endian
// unsigned 128-bit integer.
func PartitionKeyHash(partitionKey string) string { return partitionHash(partitionKey).String() }

// isHashKeyText reports whether s matches AWS's HashKey pattern
// 0|([1-9]\d{0,38}).
func isHashKeyText(s string) bool {
	if s == "0" {
		return true
	}
	if len(s) < 1 || len(s) > 39 || s[0] < '1' || s[0] > '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseHashKey reads a decimal hash key. pattern is false when s does not
// match AWS's HashKey pattern (a ValidationException); inRange is false when
// it does but names a value of 2^128 or more (an InvalidArgumentException).
func parseHashKey(s string) (k hashKey, pattern, inRange bool) {
	if !isHashKeyText(s) {
		return hashKey{}, false, false
	}
	v, ok := parseDecimal(s)
	if !ok || v[0] != 0 {
		return hashKey{}, true, false
	}
	return hashKey{v[1], v[2]}, true, true
}

// parseDecimal reads a string of decimal digits into a 192-bit big-endian
// integer; ok is false on overflow or a non-digit.
func parseDecimal(s string) (v [3]uint64, ok bool) {
	if s == "" {
		return v, false
	}
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return v, false
		}
		// v = v*10 + d
		carry := uint64(d - '0')
		for j := 2; j >= 0; j-- {
			hi, lo := bits.Mul64(v[j], 10)
			var c uint64
			lo, c = bits.Add64(lo, carry, 0)
			v[j] = lo
			carry = hi + c
		}
		if carry != 0 {
			return v, false
		}
	}
	return v, true
}

const pow19 = 10_000_000_000_000_000_000 // 10^19, the largest power of ten in a uint64

// appendDecimal appends the decimal digits of the 192-bit big-endian
// integer v, without leading zeros ("0" for zero).
func appendDecimal(dst []byte, v [3]uint64) []byte {
	var chunks [4]uint64 // base 10^19, least significant first
	n := 0
	for v[0]|v[1]|v[2] != 0 {
		var r uint64
		for j := range 3 {
			v[j], r = bits.Div64(r, v[j], pow19)
		}
		chunks[n] = r
		n++
	}
	if n == 0 {
		return append(dst, '0')
	}
	var buf [20]byte
	for i := n - 1; i >= 0; i-- {
		c := chunks[i]
		p := len(buf)
		for c > 0 {
			p--
			buf[p] = byte('0' + c%10)
			c /= 10
		}
		if i < n-1 {
			for len(buf)-p < 19 {
				p--
				buf[p] = '0'
			}
		}
		dst = append(dst, buf[p:]...)
	}
	return dst
}

// uniformStarts returns the starting hash keys of n shards that split the
// key space evenly as CreateStream does: shard i starts at i*floor(2^128/n);
// the last shard absorbs the remainder.
func uniformStarts(n int) []hashKey {
	space := new(big.Int).Lsh(big.NewInt(1), 128)
	step := new(big.Int).Div(space, big.NewInt(int64(n)))
	starts := make([]hashKey, n)
	for i := range n {
		starts[i] = hashKeyFromBig(new(big.Int).Mul(step, big.NewInt(int64(i))))
	}
	return starts
}

// partitionKeyOK applies AWS's length rule: 1..256 Unicode characters.
func partitionKeyOK(key string) (tooShort, tooLong bool) {
	if key == "" {
		return true, false
	}
	if len(key) <= MaxPartitionKeyLength {
		return false, false
	}
	return false, utf8.RuneCountInString(key) > MaxPartitionKeyLength
}

// keyCache remembers the hash keys of recently used partition keys, so a
// producer that reuses keys pays for MD5 once per key rather than once per
// record. It is direct-mapped by xxhash, allocated at the first write; the
// owner's mutex guards it.
type keyCache struct {
	slots *[keyCacheSize]keySlot
}

type keySlot struct {
	key  string
	hash hashKey
}

const keyCacheSize = 1024

func (c *keyCache) hash(key string) hashKey {
	if c.slots == nil {
		c.slots = new([keyCacheSize]keySlot)
	}
	sl := &c.slots[xxhash.Sum64String(key)%keyCacheSize]
	if sl.key == key && key != "" {
		return sl.hash
	}
	h := partitionHash(key)
	sl.key, sl.hash = key, h
	return h
}
