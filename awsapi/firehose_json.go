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

type firehoseOp func(svc *firehose.Service, ctx context.Context, body []byte) (any, error)

func firehoseNoOut[In any](fn func(*firehose.Service, context.Context, In) error) firehoseOp {
	return func(svc *firehose.Service, ctx context.Context, body []byte) (any, error) {
		var in In
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		return nil, fn(svc, ctx, in)
	}
}

func firehoseOut[In, Out any](fn func(*firehose.Service, context.Context, In) (Out, error)) firehoseOp {
	return func(svc *firehose.Service, ctx context.Context, body []byte) (any, error) {
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
	"DeleteDeliveryStream":          firehoseNoOut((*firehose.Service).DeleteDeliveryStream),
	"DescribeDeliveryStream":        firehoseOut((*firehose.Service).DescribeDeliveryStream),
	"ListDeliveryStreams":           firehoseOut((*firehose.Service).ListDeliveryStreams),
	"ListTagsForDeliveryStream":     firehoseOut((*firehose.Service).ListTagsForDeliveryStream),
	"StartDeliveryStreamEncryption": firehoseNoOut((*firehose.Service).StartDeliveryStreamEncryption),
	"StopDeliveryStreamEncryption":  firehoseNoOut((*firehose.Service).StopDeliveryStreamEncryption),
	"TagDeliveryStream":             firehoseNoOut((*firehose.Service).TagDeliveryStream),
	"UntagDeliveryStream":           firehoseNoOut((*firehose.Service).UntagDeliveryStream),
	"UpdateDestination":             firehoseNoOut((*firehose.Service).UpdateDestination),
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
