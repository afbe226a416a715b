package awsapi

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/sluicehq/sluice/firehose"
)

// Amazon Data Firehose over AWS JSON 1.1 (X-Amz-Target:
// Firehose_20150804.<Op>). As with Kinesis, the native inputs and outputs
// carry AWS's member names and go through the same JSON 1.1 codec.

// WithFirehose serves Amazon Data Firehose from svc.
func WithFirehose(svc *firehose.Service) Option {
	return func(h *handler) {
		h.hoses = svc
		h.extra = append(h.extra, route{prefix: "Firehose_20150804", serve: func(w http.ResponseWriter, r *http.Request, c *call, op string) {
			c.service = "firehose"
			serveFirehose(w, r, c, svc, op)
		}})
	}
}

type firehoseOp = json11Op[*firehose.Service]

// firehosePut decodes a put's DeliveryStreamName and input.
func firehosePut[In, Out any](put func(*firehose.DeliveryStream, context.Context, In) (Out, error)) firehoseOp {
	return func(svc *firehose.Service, ctx context.Context, body []byte) (any, error) {
		var in struct{ DeliveryStreamName string }
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		var rec In
		if err := decodeJSON11(body, &rec); err != nil {
			return nil, err
		}
		d, err := svc.DeliveryStream(ctx, in.DeliveryStreamName)
		if err != nil {
			return nil, err
		}
		out, err := put(d, ctx, rec)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

var firehoseOps = map[string]firehoseOp{
	"CreateDeliveryStream": func(svc *firehose.Service, ctx context.Context, body []byte) (any, error) {
		var in firehose.CreateDeliveryStreamInput
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		out, err := svc.CreateDeliveryStream(ctx, in)
		if err != nil {
			return nil, err
		}
		return struct{ DeliveryStreamARN string }{out.DeliveryStreamARN}, nil
	},
	"DeleteDeliveryStream":          json11NoOut((*firehose.Service).DeleteDeliveryStream),
	"DescribeDeliveryStream":        json11Out((*firehose.Service).DescribeDeliveryStream),
	"ListDeliveryStreams":           json11Out((*firehose.Service).ListDeliveryStreams),
	"ListTagsForDeliveryStream":     json11Out((*firehose.Service).ListTagsForDeliveryStream),
	"StartDeliveryStreamEncryption": json11NoOut((*firehose.Service).StartDeliveryStreamEncryption),
	"StopDeliveryStreamEncryption":  json11NoOut((*firehose.Service).StopDeliveryStreamEncryption),
	"TagDeliveryStream":             json11NoOut((*firehose.Service).TagDeliveryStream),
	"UntagDeliveryStream":           json11NoOut((*firehose.Service).UntagDeliveryStream),
	"UpdateDestination":             json11NoOut((*firehose.Service).UpdateDestination),
	"PutRecord":                     firehosePut((*firehose.DeliveryStream).PutRecord),
	"PutRecordBatch":                firehosePut((*firehose.DeliveryStream).PutRecordBatch),
}

// serveFirehose serves one AWS JSON 1.1 request of Firehose.
func serveFirehose(w http.ResponseWriter, r *http.Request, c *call, svc *firehose.Service, op string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSONError(w, c, asAWSError(err), "")
		return
	}
	fn := firehoseOps[op]
	if fn == nil {
		writeJSONError(w, c, errUnknownOperation("Unrecognized operation Firehose_20150804."+op), "")
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
