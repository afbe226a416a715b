package awsapi

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"net/http"

	"github.com/sluicehq/sluice/internal/awserr"
	"github.com/sluicehq/sluice/stream"
)

// eventHeader is a string-valued header of an event-stream message.
type eventHeader struct{ name, value string }

// appendEventMessage appends one application/vnd.amazon.eventstream message:
// total length, headers length, prelude CRC, headers (all strings, type 7),
// payload, message CRC; big-endian, CRC-32/IEEE.
func appendEventMessage(b []byte, headers []eventHeader, payload []byte) []byte {
	hlen := 0
	for _, h := range headers {
		hlen += 1 + len(h.name) + 1 + 2 + len(h.value)
	}
	start := len(b)
	total := 12 + hlen + len(payload) + 4
	b = binary.BigEndian.AppendUint32(b, uint32(total))
	b = binary.BigEndian.AppendUint32(b, uint32(hlen))
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:start+8]))
	for _, h := range headers {
		b = append(b, byte(len(h.name)))
		b = append(b, h.name...)
		b = append(b, 7)
		b = binary.BigEndian.AppendUint16(b, uint16(len(h.value)))
		b = append(b, h.value...)
	}
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// subscribeToShard answers SubscribeToShard with an event stream: the
// initial-response, then one SubscribeToShardEvent per native event, ended
// by the end of the subscription or an exception message. With cbor the
// request and the events' payloads are CBOR, as the Java SDKs send and read
// them; errors before the stream are answered in the request's format.
func (h *handler) subscribeToShard(w http.ResponseWriter, r *http.Request, c *call, svc *stream.Service, body []byte, cbor bool) {
	payloadType := "application/json"
	fail := func(e *awserr.Error) { writeJSONError(w, c, e, "") }
	if cbor {
		payloadType = cborType
		fail = func(e *awserr.Error) { writeCBORError(w, c, e) }
		var err error
		if body, err = cborToJSON(body); err != nil {
			fail(asAWSError(err))
			return
		}
	}
	var in stream.SubscribeToShardInput
	if err := decodeJSON11(body, &in); err != nil {
		fail(asAWSError(err))
		return
	}
	ctx := r.Context()
	sub, err := svc.SubscribeToShard(ctx, in)
	if err != nil {
		fail(asAWSError(err))
		return
	}
	defer sub.Close()
	c.status = http.StatusOK
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	send := func(msg []byte) bool {
		if _, err := w.Write(msg); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	encode := func(j []byte) []byte {
		if !cbor {
			return j
		}
		b, err := jsonToCBOR(j)
		if err != nil {
			return j
		}
		return b
	}
	if !send(appendEventMessage(nil, []eventHeader{{":message-type", "event"}, {":event-type", "initial-response"}}, encode([]byte("{}")))) {
		return
	}
	for {
		ev, err := sub.Next(ctx)
		if err != nil {
			if errors.Is(err, io.EOF) || ctx.Err() != nil {
				return
			}
			var e *awserr.Error
			if !errors.As(err, &e) {
				e = errInternal(err.Error())
			}
			payload, _ := json.Marshal(map[string]string{"message": e.Message})
			send(appendEventMessage(nil, []eventHeader{{":message-type", "exception"}, {":exception-type", e.Code},
				{":content-type", payloadType}}, encode(payload)))
			return
		}
		payload, _ := json.Marshal(kinesisGetRecordsOutput{Records: wireRecords(ev.Records),
			ContinuationSequenceNumber: ev.ContinuationSequenceNumber, MillisBehindLatest: ev.MillisBehindLatest,
			ChildShards: wireChildShards(ev.ChildShards)})
		if !send(appendEventMessage(nil, []eventHeader{{":message-type", "event"}, {":event-type", "SubscribeToShardEvent"},
			{":content-type", payloadType}}, encode(payload))) {
			return
		}
	}
}
