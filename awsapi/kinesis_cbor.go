package awsapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/sluicehq/sluice/internal/awserr"
	"github.com/sluicehq/sluice/stream"
)

// Kinesis over CBOR (Content-Type application/x-amz-cbor-1.1), what the Java
// SDKs and the KCL send by default: the members of the JSON protocol, with
// blobs as byte strings and timestamps as tag 1. A CBOR request is turned
// into its JSON form, served as JSON, and the answer turned back into CBOR.
//
// Timestamps: the Java SDKs write tag 1 around epoch milliseconds (an
// integer); RFC 8949 and Smithy's rpcv2Cbor use epoch seconds. An integer
// above 10^11 is read as milliseconds (10^11 seconds is the year 5138),
// anything else as seconds. Answers use milliseconds, as the Java SDKs read
// them.

const cborType = "application/x-amz-cbor-1.1"

func isCBOR(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Content-Type"), cborType)
}

// cborToJSON converts a CBOR request body to the JSON the JSON codec reads.
func cborToJSON(body []byte) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, errSerialization("Unable to parse the CBOR request body: " + err.Error())
	}
	j, err := cborValueToJSON(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

func cborValueToJSON(v cbor.Value) (any, error) {
	switch v := v.(type) {
	case cbor.Uint:
		return json.Number(strconv.FormatUint(uint64(v), 10)), nil
	case cbor.NegInt:
		if v == 0 {
			return nil, errSerialization("CBOR integer out of range")
		}
		return json.Number("-" + strconv.FormatUint(uint64(v), 10)), nil
	case cbor.Slice:
		return base64.StdEncoding.EncodeToString(v), nil
	case cbor.String:
		return string(v), nil
	case cbor.List:
		out := make([]any, len(v))
		for i, x := range v {
			j, err := cborValueToJSON(x)
			if err != nil {
				return nil, err
			}
			out[i] = j
		}
		return out, nil
	case cbor.Map:
		out := make(map[string]any, len(v))
		for k, x := range v {
			j, err := cborValueToJSON(x)
			if err != nil {
				return nil, err
			}
			out[k] = j
		}
		return out, nil
	case *cbor.Tag:
		if v.ID != 1 {
			return nil, errSerialization("Unsupported CBOR tag " + strconv.FormatUint(v.ID, 10))
		}
		return cborTimestamp(v.Value)
	case cbor.Bool:
		return bool(v), nil
	case *cbor.Nil, *cbor.Undefined:
		return nil, nil
	case cbor.Float32:
		return floatNumber(float64(v))
	case cbor.Float64:
		return floatNumber(float64(v))
	}
	return nil, errSerialization("Unsupported CBOR value")
}

func floatNumber(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errSerialization("CBOR number out of range")
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64)), nil
}

// cborTimestamp returns a tag 1 value as epoch seconds.
func cborTimestamp(v cbor.Value) (any, error) {
	switch v := v.(type) {
	case cbor.Uint:
		if v > 1e11 {
			return floatNumber(float64(v) / 1000)
		}
		return json.Number(strconv.FormatUint(uint64(v), 10)), nil
	case cbor.Float32:
		return floatNumber(float64(v))
	case cbor.Float64:
		return floatNumber(float64(v))
	}
	return nil, errSerialization("Invalid CBOR timestamp")
}

// jsonToCBOR converts a JSON answer to CBOR: Data members (blobs) become byte
// strings and timestamp members tag 1 around epoch milliseconds.
func jsonToCBOR(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return cbor.Encode(jsonValueToCBOR("", v)), nil
}

func jsonValueToCBOR(key string, v any) cbor.Value {
	switch v := v.(type) {
	case map[string]any:
		m := make(cbor.Map, len(v))
		for k, x := range v {
			m[k] = jsonValueToCBOR(k, x)
		}
		return m
	case []any:
		l := make(cbor.List, len(v))
		for i, x := range v {
			l[i] = jsonValueToCBOR(key, x)
		}
		return l
	case string:
		if key == "Data" {
			if b, err := base64.StdEncoding.DecodeString(v); err == nil {
				return cbor.Slice(b)
			}
		}
		return cbor.String(v)
	case json.Number:
		if isTimeKey(key) {
			if f, err := v.Float64(); err == nil {
				return &cbor.Tag{ID: 1, Value: cbor.Uint(uint64(math.Round(f * 1000)))}
			}
		}
		if n, err := v.Int64(); err == nil {
			if n < 0 {
				return cbor.NegInt(uint64(-n))
			}
			return cbor.Uint(uint64(n))
		}
		f, _ := v.Float64()
		return cbor.Float64(f)
	case bool:
		return cbor.Bool(v)
	}
	return &cbor.Nil{}
}

// writeCBORError writes e as a CBOR map with __type and message.
func writeCBORError(w http.ResponseWriter, c *call, e *awserr.Error) {
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusBadRequest
	}
	c.status = status
	b := cbor.Encode(cbor.Map{"__type": cbor.String(e.Code), "message": cbor.String(e.Message)})
	w.Header().Set("Content-Type", cborType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// cborWriter captures a JSON answer so it can be sent as CBOR.
type cborWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *cborWriter) Header() http.Header         { return w.header }
func (w *cborWriter) WriteHeader(code int)        { w.status = code }
func (w *cborWriter) Write(p []byte) (int, error) { return w.body.Write(p) }

// serveKinesisCBOR serves a CBOR request through the JSON codec.
func (h *handler) serveKinesisCBOR(w http.ResponseWriter, r *http.Request, c *call, svc *stream.Service, op string) {
	writeErr := func(e *awserr.Error) { writeCBORError(w, c, e) }
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		writeErr(asAWSError(err))
		return
	}
	if op == "SubscribeToShard" {
		h.subscribeToShard(w, r, c, svc, buf.Bytes(), true)
		return
	}
	body, err := cborToJSON(buf.Bytes())
	if err != nil {
		writeErr(asAWSError(err))
		return
	}
	r2 := r.Clone(r.Context())
	r2.Body = http.NoBody
	cw := &cborWriter{header: http.Header{}, status: http.StatusOK}
	h.kinesisJSON(cw, r2, c, svc, op, body)
	out, err := jsonToCBOR(cw.body.Bytes())
	if err != nil {
		writeErr(errInternal(err.Error()))
		return
	}
	for k, v := range cw.header {
		if k != "Content-Type" && k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.Header().Set("Content-Type", cborType)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(cw.status)
	_, _ = w.Write(out)
}
