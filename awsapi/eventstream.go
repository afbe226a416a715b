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
// by the end of the subscription or an exception message.
func (h *handler) subscribeToShard(w http.ResponseWriter, r *http.Request, c *call, svc *stream.Service, body []byte) {
	var in stream.SubscribeToShardInput
	if err := decodeJSON11(body, &in); err != nil {
		writeJSONError(w, c, asAWSError(err), "")
		return
	}
	ctx := r.Context()
	sub, err := svc.SubscribeToShard(ctx, in)
	if err != nil {
		writeJSONError(w, c, asAWSError(err), "")
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
	if !send(appendEventMessage(nil, []eventHeader{{":message-type", "event"}, {":event-type", "initial-response"}}, []byte("{}"))) {
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
				{":content-type", "application/json"}}, payload))
			return
		}
		payload, _ := json.Marshal(kinesisGetRecordsOutput{Records: wireRecords(ev.Records),
			ContinuationSequenceNumber: ev.ContinuationSequenceNumber, MillisBehindLatest: ev.MillisBehindLatest,
			ChildShards: wireChildShards(ev.ChildShards)})
		if !send(appendEventMessage(nil, []eventHeader{{":message-type", "event"}, {":event-type", "SubscribeToShardEvent"},
			{":content-type", "application/json"}}, payload)) {
			return
		}
	}
}
