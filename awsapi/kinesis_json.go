package awsapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sluicehq/sluice/stream"
)

// Kinesis Data Streams over AWS JSON 1.1 (X-Amz-Target:
// Kinesis_20131202.<Op>). The native inputs and outputs carry AWS's member
// names, so most operations decode straight into the native input and encode
// the native output; timestamps travel as epoch seconds and blobs as base64.

const kinesisJSONType = "application/x-amz-json-1.1"

// WithStreams serves Amazon Kinesis Data Streams from svc.
func WithStreams(svc *stream.Service) Option {
	return func(h *handler) {
		h.streams = svc
		h.extra = append(h.extra, route{prefix: "Kinesis_20131202", serve: func(w http.ResponseWriter, r *http.Request, c *call, op string) {
			c.service = "kinesis"
			h.serveKinesis(w, r, c, svc, op)
		}})
	}
}

// kinesisOp runs one operation from its JSON body; a nil output is "{}".
type kinesisOp = json11Op[*stream.Service]

// json11Op runs one operation of a JSON 1.1 service from its body; a nil
// output is "{}".
type json11Op[S any] func(svc S, ctx context.Context, body []byte) (any, error)

// json11NoOut adapts a native operation with no output.
func json11NoOut[S, In any](fn func(S, context.Context, In) error) json11Op[S] {
	return func(svc S, ctx context.Context, body []byte) (any, error) {
		var in In
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		return nil, fn(svc, ctx, in)
	}
}

// json11Out adapts a native operation with an output.
func json11Out[S, In, Out any](fn func(S, context.Context, In) (Out, error)) json11Op[S] {
	return func(svc S, ctx context.Context, body []byte) (any, error) {
		var in In
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		out, err := fn(svc, ctx, in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

func kinesisNoIn[Out any](fn func(*stream.Service, context.Context) (Out, error)) kinesisOp {
	return func(svc *stream.Service, ctx context.Context, _ []byte) (any, error) {
		out, err := fn(svc, ctx)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

// streamRef names the stream of a data-plane operation.
type streamRef struct {
	StreamName string
	StreamARN  string
}

func (r streamRef) stream(svc *stream.Service) (*stream.Stream, error) {
	if r.StreamARN != "" {
		return svc.Stream(r.StreamARN)
	}
	if r.StreamName == "" {
		return nil, stream.ErrValidationException.WithMessage("Either StreamName or StreamARN should be provided.")
	}
	return svc.Stream(r.StreamName)
}

var kinesisOps = map[string]kinesisOp{
	"AddTagsToStream":               json11NoOut((*stream.Service).AddTagsToStream),
	"DecreaseStreamRetentionPeriod": json11NoOut((*stream.Service).DecreaseStreamRetentionPeriod),
	"IncreaseStreamRetentionPeriod": json11NoOut((*stream.Service).IncreaseStreamRetentionPeriod),
	"DeleteResourcePolicy":          json11NoOut((*stream.Service).DeleteResourcePolicy),
	"DeleteStream":                  json11NoOut((*stream.Service).DeleteStream),
	"DeregisterStreamConsumer":      json11NoOut((*stream.Service).DeregisterStreamConsumer),
	"DescribeAccountSettings":       kinesisNoIn((*stream.Service).DescribeAccountSettings),
	"DescribeLimits":                kinesisNoIn((*stream.Service).DescribeLimits),
	"DescribeStream":                json11Out((*stream.Service).DescribeStream),
	"DescribeStreamConsumer":        json11Out((*stream.Service).DescribeStreamConsumer),
	"DescribeStreamSummary":         json11Out((*stream.Service).DescribeStreamSummary),
	"DisableEnhancedMonitoring":     json11Out((*stream.Service).DisableEnhancedMonitoring),
	"EnableEnhancedMonitoring":      json11Out((*stream.Service).EnableEnhancedMonitoring),
	"GetResourcePolicy":             json11Out((*stream.Service).GetResourcePolicy),
	"ListShards":                    json11Out((*stream.Service).ListShards),
	"ListStreamConsumers":           json11Out((*stream.Service).ListStreamConsumers),
	"ListStreams":                   json11Out((*stream.Service).ListStreams),
	"ListTagsForResource":           json11Out((*stream.Service).ListTagsForResource),
	"ListTagsForStream":             json11Out((*stream.Service).ListTagsForStream),
	"MergeShards":                   json11NoOut((*stream.Service).MergeShards),
	"PutResourcePolicy":             json11NoOut((*stream.Service).PutResourcePolicy),
	"RegisterStreamConsumer":        json11Out((*stream.Service).RegisterStreamConsumer),
	"RemoveTagsFromStream":          json11NoOut((*stream.Service).RemoveTagsFromStream),
	"SplitShard":                    json11NoOut((*stream.Service).SplitShard),
	"StartStreamEncryption":         json11NoOut((*stream.Service).StartStreamEncryption),
	"StopStreamEncryption":          json11NoOut((*stream.Service).StopStreamEncryption),
	"TagResource":                   json11NoOut((*stream.Service).TagResource),
	"UntagResource":                 json11NoOut((*stream.Service).UntagResource),
	"UpdateAccountSettings":         json11Out((*stream.Service).UpdateAccountSettings),
	"UpdateMaxRecordSize":           json11NoOut((*stream.Service).UpdateMaxRecordSize),
	"UpdateShardCount":              json11Out((*stream.Service).UpdateShardCount),
	"UpdateStreamMode":              json11NoOut((*stream.Service).UpdateStreamMode),
	"UpdateStreamWarmThroughput":    json11Out((*stream.Service).UpdateStreamWarmThroughput),
	"CreateStream": func(svc *stream.Service, ctx context.Context, body []byte) (any, error) {
		var in stream.CreateStreamInput
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		_, err := svc.CreateStream(ctx, in)
		return nil, err
	},
	"GetRecords": func(svc *stream.Service, ctx context.Context, body []byte) (any, error) {
		var in stream.GetRecordsInput
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		out, err := svc.GetRecords(ctx, in)
		if err != nil {
			return nil, err
		}
		return wireGetRecords(out), nil
	},
	"GetShardIterator": func(svc *stream.Service, ctx context.Context, body []byte) (any, error) {
		var in struct {
			streamRef
			stream.GetShardIteratorInput
		}
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		s, err := in.stream(svc)
		if err != nil {
			return nil, err
		}
		return s.GetShardIterator(ctx, in.GetShardIteratorInput)
	},
	"PutRecord": func(svc *stream.Service, ctx context.Context, body []byte) (any, error) {
		var in struct {
			streamRef
			stream.PutRecordInput
		}
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		s, err := in.stream(svc)
		if err != nil {
			return nil, err
		}
		out, err := s.PutRecord(ctx, in.PutRecordInput)
		if err != nil {
			return nil, err
		}
		return kinesisPutRecordOutput{ShardId: out.ShardId, SequenceNumber: out.SequenceNumber, EncryptionType: string(out.EncryptionType)}, nil
	},
	"PutRecords": func(svc *stream.Service, ctx context.Context, body []byte) (any, error) {
		var in struct {
			streamRef
			stream.PutRecordsInput
		}
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		s, err := in.stream(svc)
		if err != nil {
			return nil, err
		}
		out, err := s.PutRecords(ctx, in.PutRecordsInput)
		if err != nil {
			return nil, err
		}
		w := kinesisPutRecordsOutput{FailedRecordCount: out.FailedRecordCount, EncryptionType: string(out.EncryptionType),
			Records: make([]kinesisPutRecordOutput, len(out.Records))}
		for i, r := range out.Records {
			w.Records[i] = kinesisPutRecordOutput{ShardId: r.ShardId, SequenceNumber: r.SequenceNumber, ErrorCode: r.ErrorCode, ErrorMessage: r.ErrorMessage}
		}
		return w, nil
	},
}

// The hot paths' outputs, encoded without the generic pass.
type kinesisPutRecordOutput struct {
	ShardId        string `json:"ShardId,omitempty"`
	SequenceNumber string `json:"SequenceNumber,omitempty"`
	EncryptionType string `json:"EncryptionType,omitempty"`
	ErrorCode      string `json:"ErrorCode,omitempty"`
	ErrorMessage   string `json:"ErrorMessage,omitempty"`
}

type kinesisPutRecordsOutput struct {
	FailedRecordCount int                      `json:"FailedRecordCount"`
	Records           []kinesisPutRecordOutput `json:"Records"`
	EncryptionType    string                   `json:"EncryptionType,omitempty"`
}

type kinesisRecord struct {
	SequenceNumber              string       `json:"SequenceNumber"`
	ApproximateArrivalTimestamp epochSeconds `json:"ApproximateArrivalTimestamp"`
	Data                        []byte       `json:"Data"`
	PartitionKey                string       `json:"PartitionKey"`
	EncryptionType              string       `json:"EncryptionType,omitempty"`
}

type kinesisChildShard struct {
	ShardId      string              `json:"ShardId"`
	ParentShards []string            `json:"ParentShards"`
	HashKeyRange stream.HashKeyRange `json:"HashKeyRange"`
}

type kinesisGetRecordsOutput struct {
	Records                    []kinesisRecord     `json:"Records"`
	NextShardIterator          string              `json:"NextShardIterator,omitempty"`
	ContinuationSequenceNumber string              `json:"ContinuationSequenceNumber,omitempty"`
	MillisBehindLatest         int64               `json:"MillisBehindLatest"`
	ChildShards                []kinesisChildShard `json:"ChildShards,omitempty"`
}

func wireRecords(in []stream.Record) []kinesisRecord {
	out := make([]kinesisRecord, len(in))
	for i, r := range in {
		out[i] = kinesisRecord{SequenceNumber: r.SequenceNumber, ApproximateArrivalTimestamp: epochSeconds(r.ApproximateArrivalTimestamp),
			Data: r.Data, PartitionKey: r.PartitionKey, EncryptionType: string(r.EncryptionType)}
		if out[i].Data == nil {
			out[i].Data = []byte{}
		}
	}
	return out
}

func wireChildShards(in []stream.ChildShard) []kinesisChildShard {
	var out []kinesisChildShard
	for _, c := range in {
		out = append(out, kinesisChildShard{ShardId: c.ShardId, ParentShards: c.ParentShards, HashKeyRange: c.HashKeyRange})
	}
	return out
}

func wireGetRecords(out stream.GetRecordsOutput) kinesisGetRecordsOutput {
	return kinesisGetRecordsOutput{Records: wireRecords(out.Records), NextShardIterator: out.NextShardIterator,
		MillisBehindLatest: out.MillisBehindLatest, ChildShards: wireChildShards(out.ChildShards)}
}

// epochSeconds is a time that JSON carries as epoch seconds with a
// millisecond fraction, as Kinesis answers.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return appendEpochSeconds(nil, time.Time(t)), nil
}

func appendEpochSeconds(b []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	b = strconv.AppendInt(b, sec, 10)
	b = append(b, '.')
	if frac < 100 {
		b = append(b, '0')
	}
	if frac < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, frac, 10)
}

// isTimeKey reports whether a member holds a timestamp.
func isTimeKey(k string) bool {
	return strings.HasSuffix(k, "Timestamp") || k == "StartedAt" || k == "EndedAt" || k == "EarliestAllowedEndAt"
}

// decodeJSON11 reads a JSON 1.1 body into a native input. Timestamps come
// as epoch seconds (integers from botocore, fractions from the Go SDK) and
// are rewritten to what encoding/json reads into a time.Time.
func decodeJSON11(body []byte, in any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if bytes.Contains(body, []byte("Timestamp")) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return errSerialization("Unable to parse the request body: " + err.Error())
		}
		if err := fixInputTimes(v); err != nil {
			return err
		}
		body, _ = json.Marshal(v)
	}
	if err := json.Unmarshal(body, in); err != nil {
		return errSerialization("Unable to parse the request body: " + err.Error())
	}
	return nil
}

func fixInputTimes(v any) error {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if n, ok := x.(json.Number); ok && isTimeKey(k) {
				f, err := strconv.ParseFloat(string(n), 64)
				if err != nil {
					return errSerialization("Invalid timestamp for " + k)
				}
				sec := int64(f)
				t := time.Unix(sec, int64((f-float64(sec))*1e9+0.5)).UTC().Truncate(time.Millisecond)
				v[k] = t.Format(time.RFC3339Nano)
				continue
			}
			if err := fixInputTimes(x); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range v {
			if err := fixInputTimes(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// encodeJSON11 renders a native output: timestamps as epoch seconds, and
// members that are empty (no string, no time, null) left out as AWS leaves
// them out. The hot paths' wire types are encoded as they are.
func encodeJSON11(out any) ([]byte, error) {
	switch out.(type) {
	case nil:
		return []byte("{}"), nil
	case kinesisGetRecordsOutput, kinesisPutRecordsOutput, kinesisPutRecordOutput:
		return json.Marshal(out)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(fixOutput(v))
}

func fixOutput(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch x := x.(type) {
			case nil:
				delete(v, k)
			case string:
				if isTimeKey(k) {
					t, err := time.Parse(time.RFC3339Nano, x)
					if err != nil || t.IsZero() {
						delete(v, k)
						continue
					}
					v[k] = json.Number(appendEpochSeconds(nil, t))
				} else if x == "" && k != "Value" && k != "Data" {
					delete(v, k)
				}
			default:
				v[k] = fixOutput(x)
			}
		}
	case []any:
		for i, x := range v {
			v[i] = fixOutput(x)
		}
	}
	return v
}

// serveKinesis serves one request of Kinesis, JSON 1.1 or CBOR.
func (h *handler) serveKinesis(w http.ResponseWriter, r *http.Request, c *call, svc *stream.Service, op string) {
	if isCBOR(r) {
		h.serveKinesisCBOR(w, r, c, svc, op)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSONError(w, c, asAWSError(err), "")
		return
	}
	if op == "SubscribeToShard" {
		h.subscribeToShard(w, r, c, svc, body, false)
		return
	}
	h.kinesisJSON(w, r, c, svc, op, body)
}

// kinesisJSON runs one operation from its JSON body and writes the answer.
func (h *handler) kinesisJSON(w http.ResponseWriter, r *http.Request, c *call, svc *stream.Service, op string, body []byte) {
	fn := kinesisOps[op]
	if fn == nil {
		writeJSONError(w, c, errUnknownOperation("Unrecognized operation Kinesis_20131202."+op), "")
		return
	}
	out, err := fn(svc, r.Context(), body)
	if err != nil {
		writeJSONError(w, c, asAWSError(err), "")
		return
	}
	b, err := encodeJSON11(out)
	if err != nil {
		writeJSONError(w, c, errInternal(err.Error()), "")
		return
	}
	c.status = http.StatusOK
	w.Header().Set("Content-Type", kinesisJSONType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}
