package queue

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
	"unicode/utf8"
)

// MessageAttributeValue is a message attribute: a data type ("String",
// "Number", "Binary", optionally with a custom suffix such as "Number.float")
// and its value. Number values travel as StringValue.
type MessageAttributeValue struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// MessageSystemAttributeName names a system attribute of a message.
type MessageSystemAttributeName string

// Message system attribute names.
const (
	SystemAttributeAll                              MessageSystemAttributeName = "All"
	SystemAttributeSenderId                         MessageSystemAttributeName = "SenderId"
	SystemAttributeSentTimestamp                    MessageSystemAttributeName = "SentTimestamp"
	SystemAttributeApproximateReceiveCount          MessageSystemAttributeName = "ApproximateReceiveCount"
	SystemAttributeApproximateFirstReceiveTimestamp MessageSystemAttributeName = "ApproximateFirstReceiveTimestamp"
	SystemAttributeSequenceNumber                   MessageSystemAttributeName = "SequenceNumber"
	SystemAttributeMessageDeduplicationId           MessageSystemAttributeName = "MessageDeduplicationId"
	SystemAttributeMessageGroupId                   MessageSystemAttributeName = "MessageGroupId"
	SystemAttributeAWSTraceHeader                   MessageSystemAttributeName = "AWSTraceHeader"
	SystemAttributeDeadLetterQueueSourceArn         MessageSystemAttributeName = "DeadLetterQueueSourceArn"
)

// Message is a received message.
type Message struct {
	MessageId              string
	ReceiptHandle          string
	Body                   string
	MD5OfBody              string
	MD5OfMessageAttributes string // empty when the message has no attributes
	// MessageAttributes holds the attributes the receive asked for by name.
	MessageAttributes map[string]MessageAttributeValue
	// Attributes holds the system attributes the receive asked for.
	Attributes map[MessageSystemAttributeName]string
}

// Message limits.
const (
	MaxMessageAttributes = 10
	maxAttributeNameLen  = 256
	maxDataTypeLen       = 256
)

// attribute is one message attribute as stored: sorted by name.
type attribute struct {
	name  string
	value MessageAttributeValue
}

// messageState says which index holds a message.
type messageState uint8

const (
	stateDelayed  messageState = iota // in q.pending until its delay ends
	stateVisible                      // in the ready set
	stateInFlight                     // in q.pending until its visibility timeout ends
	stateGone                         // deleted, expired or purged
	numStates
)

// message is one stored message. Its size matters: a queue may hold
// millions, so rare fields live in meta.
type message struct {
	seq            uint64 // arrival order in this queue; the unique tie-breaker of every index
	id             [16]byte
	body           string
	md5OfBody      [16]byte // rendered in hex outside q.mu, on the way out
	sentAt         int64    // unix ns: SentTimestamp
	enqueuedAt     int64    // unix ns: retention counts from here
	visibleAt      int64    // unix ns: when a delayed or in-flight message turns visible
	receivedAt     int64    // unix ns of the latest receive: the 12 h visibility cap counts from it
	firstReceiveAt int64    // unix ns, 0 until first received
	receiveCount   uint32
	state          messageState
	inRing         bool         // in the in-order ring of standardReady (see seqRing)
	meta           *messageMeta // nil for a message with no attributes, group or trace header
}

// messageMeta holds the fields most messages lack.
type messageMeta struct {
	attrs               []attribute // sorted by name
	md5OfAttrs          string
	traceHeader         string
	md5OfSysAttrs       string
	groupID             string
	dedupID             string
	sequenceNumber      uint64     // FIFO: the SequenceNumber less 2^64, rendered on the way out (putSequenceNumber)
	tenant              *tenant    // the fair-queue tenant of a grouped standard message
	group               *fifoGroup // the group of a FIFO message, while in the queue
	changes             uint32     // visibility changes, which end a FIFO receive attempt
	deadLetterSourceArn string
}

// messageWithMeta allocates a message and its meta together.
type messageWithMeta struct {
	message
	meta messageMeta
}

// messageIDLen is the length of a rendered message id.
const messageIDLen = 36

// messageID renders a 16-byte id as a UUID string.
func messageID(id [16]byte) string {
	var b [messageIDLen]byte
	putMessageID(b[:], id)
	return string(b[:])
}

// putMessageID renders id as a UUID into b[:messageIDLen].
func putMessageID(b []byte, id [16]byte) {
	_ = b[messageIDLen-1]
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], id[10:16])
}

// newMessageID draws a version-4 UUID from two random words.
func newMessageID(hi, lo uint64) [16]byte {
	var id [16]byte
	binary.BigEndian.PutUint64(id[0:8], hi)
	binary.BigEndian.PutUint64(id[8:16], lo)
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// invalidChar returns the first character of s that SQS does not allow in a
// message, if any. SQS allows #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD
// #x10000-#x10FFFF; a byte that is not UTF-8 is reported as U+FFFD.
func invalidChar(s string) (rune, bool) {
	for i := 0; i < len(s); i++ {
		if i+8 <= len(s) && printableASCII8(s[i:i+8]) {
			i += 7 // eight allowed bytes at once, the common case
			continue
		}
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf || c == '\t' || c == '\n' || c == '\r' {
			continue
		}
		if c < utf8.RuneSelf {
			return rune(c), true
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			return r, true
		}
		i += size - 1
	}
	return 0, false
}

// printableASCII8 reports whether all eight bytes of s are in 0x20..0x7F:
// no byte has its top bit set, and none is below 0x20 (the "hasless" test of
// Bit Twiddling Hacks, exact for thresholds up to 0x80).
func printableASCII8(s string) bool {
	w := binary.LittleEndian.Uint64([]byte(s))
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return ((w-0x20*ones)&^w|w)&highs == 0
}

func errInvalidContents(r rune) *Error {
	return errorf(ErrInvalidMessageContents,
		"Invalid binary character '#x%X' was found in the message body, the set of allowed characters is "+
			"#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].", r)
}

// md5HexLen is the length of a rendered MD5.
const md5HexLen = 2 * md5.Size

// md5OfAttributes is AWS's MD5OfMessageAttributes: over the attributes sorted
// by name, each as length-prefixed name, length-prefixed type, a transport
// byte (1 string, 2 binary) and the length-prefixed value.
func md5OfAttributes(attrs []attribute) string {
	h := md5.New()
	var n [4]byte
	putString := func(s string) {
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, a := range attrs {
		putString(a.name)
		putString(a.value.DataType)
		if isBinaryType(a.value.DataType) {
			h.Write([]byte{2})
			binary.BigEndian.PutUint32(n[:], uint32(len(a.value.BinaryValue)))
			h.Write(n[:])
			h.Write(a.value.BinaryValue)
		} else {
			h.Write([]byte{1})
			putString(a.value.StringValue)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func baseType(dataType string) string {
	base, _, _ := strings.Cut(dataType, ".")
	return base
}

func isBinaryType(dataType string) bool { return baseType(dataType) == "Binary" }

// sortedAttributes validates a message's attributes and returns them sorted
// by name, with their size in bytes as SQS counts it (name + type + value).
func sortedAttributes(in map[string]MessageAttributeValue) ([]attribute, int, error) {
	if len(in) == 0 {
		return nil, 0, nil
	}
	if len(in) > MaxMessageAttributes {
		return nil, 0, errorf(ErrInvalidParameterValue,
			"Number of message attributes [%d] exceeds the allowed maximum [%d].", len(in), MaxMessageAttributes)
	}
	attrs := make([]attribute, 0, len(in))
	size := 0
	for name, v := range in {
		if err := validateAttribute(name, v); err != nil {
			return nil, 0, err
		}
		// The caller keeps its slice: the queue holds a copy, so a buffer
		// reused after the send cannot change a queued message.
		v.BinaryValue = bytes.Clone(v.BinaryValue)
		attrs = append(attrs, attribute{name: name, value: v})
		size += len(name) + len(v.DataType) + len(v.StringValue) + len(v.BinaryValue)
	}
	slices.SortFunc(attrs, func(a, b attribute) int { return strings.Compare(a.name, b.name) })
	return attrs, size, nil
}

func validateAttribute(name string, v MessageAttributeValue) error {
	if err := validateAttributeName(name); err != nil {
		return err
	}
	if v.DataType == "" {
		return errorf(ErrInvalidParameterValue, "The message attribute '%s' must contain non-empty message attribute type.", name)
	}
	if len(v.DataType) >= maxDataTypeLen {
		return errorf(ErrInvalidParameterValue, "Message (user) attribute types must be shorter than 256 Bytes")
	}
	base := baseType(v.DataType)
	if (base != "String" && base != "Number" && base != "Binary") ||
		(len(v.DataType) > len(base) && len(v.DataType) == len(base)+1) {
		return errorf(ErrInvalidParameterValue,
			"The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
	}
	switch base {
	case "Binary":
		if len(v.BinaryValue) == 0 {
			return errorf(ErrInvalidParameterValue, "Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, "Binary")
		}
	case "Number":
		if v.StringValue == "" {
			return errorf(ErrInvalidParameterValue, "Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, "Number")
		}
		if !validNumber(v.StringValue) {
			return errorf(ErrInvalidParameterValue, "Can't cast the value of message (user) attribute '%s' to a number.", name)
		}
	default:
		if v.StringValue == "" {
			return errorf(ErrInvalidParameterValue, "Message (user) attribute '%s' must contain a non-empty value of type '%s'.", name, "String")
		}
		if _, bad := invalidChar(v.StringValue); bad {
			return errorf(ErrInvalidParameterValue,
				"Message (user) attribute '%s' contains invalid characters.", name)
		}
	}
	return nil
}

// validateAttributeName applies SQS's name rules: up to 256 bytes of
// [A-Za-z0-9_.-], no "AWS." or "Amazon." prefix in any case, no leading,
// trailing or doubled period.
func validateAttributeName(name string) error {
	if name == "" {
		return errorf(ErrInvalidParameterValue, "The request must contain non-empty message (user) attribute names.")
	}
	if len(name) >= maxAttributeNameLen {
		return errorf(ErrInvalidParameterValue, "Message (user) attribute names must be shorter than 256 Bytes")
	}
	lower := strings.ToLower(name)
	if strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") || name[0] == '.' || name[len(name)-1] == '.' {
		return errorf(ErrInvalidParameterValue, "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. "+
			"These strings are reserved for internal use. Additionally, they cannot start or end with '.'.")
	}
	if strings.Contains(name, "..") {
		return errorf(ErrInvalidParameterValue, "Message (user) attribute name must not have successive '.' characters.")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return errorf(ErrInvalidParameterValue, "Message (user) attributes name can only contain upper and lower score "+
				"characters, digits, periods, hyphens and underscores. ")
		}
	}
	return nil
}

// validNumber accepts what SQS accepts for a Number attribute: a decimal
// with an optional sign, fraction and exponent, at most 38 significant
// digits, and a magnitude from 10^-128 to 10^126 (or zero).
func validNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	var (
		digits    int  // all digits of the mantissa
		intDigits int  // digits before the point
		first     = -1 // index among digits of the first non-zero one
		last      = -1 // and of the last
		dot       bool
		leading   byte // the first non-zero digit
		rest      bool // a non-zero digit after it
	)
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' && !dot {
			dot = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		if c != '0' {
			if first < 0 {
				first, leading = digits, c
			} else {
				rest = true
			}
			last = digits
		}
		digits++
		if !dot {
			intDigits++
		}
	}
	if digits == 0 {
		return false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		neg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			neg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return false
		}
		for ; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' || exp > 10000 {
				return false
			}
			exp = exp*10 + int(s[i]-'0')
		}
		if neg {
			exp = -exp
		}
	}
	if i != len(s) {
		return false
	}
	if first < 0 {
		return true // zero
	}
	if last-first+1 > 38 {
		return false
	}
	// The value is d.ddd × 10^e10 with d the first non-zero digit.
	e10 := intDigits - first - 1 + exp
	return e10 >= -128 && (e10 < 126 || e10 == 126 && leading == '1' && !rest)
}
