package firehose

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// HTTPResponseTimeout is how long Firehose waits for an HTTP endpoint,
// OpenSearch or Splunk to answer, on the clock.
const HTTPResponseTimeout = 3 * time.Minute

// maxResponseBody is the largest HTTP endpoint response Firehose accepts.
const maxResponseBody = 1 << 20

// httpBody is the body of an HTTP endpoint delivery request.
type httpBody struct {
	RequestID string       `json:"requestId"`
	Timestamp int64        `json:"timestamp"`
	Records   []httpRecord `json:"records"`
}

type httpRecord struct {
	Data []byte `json:"data"`
}

// httpAnswer is the body an HTTP endpoint answers with.
type httpAnswer struct {
	RequestID    string `json:"requestId"`
	Timestamp    any    `json:"timestamp"`
	ErrorMessage string `json:"errorMessage"`
}

// send makes one request with the response timeout on the clock.
func (d *DeliveryStream) send(ctx context.Context, req *http.Request) (*http.Response, []byte, error) {
	ctx, cancel := d.svc.cfg.clock.WithTimeout(ctx, HTTPResponseTimeout)
	defer cancel()
	client := *d.svc.cfg.http
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req.WithContext(ctx))
	if err != nil {
		code := "HttpEndpoint.ConnectionFailed"
		if errors.Is(err, context.DeadlineExceeded) {
			code = "HttpEndpoint.RequestTimeout"
		}
		return nil, nil, &deliveryError{code: code, msg: err.Error()}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
	if err != nil {
		return nil, nil, &deliveryError{code: "HttpEndpoint.ConnectionReset", msg: err.Error()}
	}
	if len(body) > maxResponseBody {
		return nil, nil, &deliveryError{code: "HttpEndpoint.ResponseTooLarge", msg: "Response received with size exceeding 1 MiB."}
	}
	return resp, body, nil
}

// postHTTP delivers a job with the Firehose HTTP endpoint protocol v1.0.
func (d *DeliveryStream) postHTTP(ctx context.Context, j *job) error {
	c := j.dest.http
	recs := j.recordsOf()
	body := httpBody{RequestID: j.requestID, Timestamp: d.svc.cfg.clock.Now().UnixMilli(), Records: make([]httpRecord, len(recs))}
	for i, r := range recs {
		body.Records[i].Data = r
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return err
	}
	gz := c.RequestConfiguration != nil && c.RequestConfiguration.ContentEncoding == "GZIP"
	if gz {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		_, _ = w.Write(payload)
		_ = w.Close()
		payload = buf.Bytes()
	}
	req, err := http.NewRequest(http.MethodPost, c.EndpointConfiguration.Url, bytes.NewReader(payload))
	if err != nil {
		return &deliveryError{code: "HttpEndpoint.InvalidUrl", msg: err.Error(), permanent: true}
	}
	h := req.Header
	h.Set("X-Amz-Firehose-Protocol-Version", "1.0")
	h.Set("X-Amz-Firehose-Request-Id", j.requestID)
	h.Set("Content-Type", "application/json")
	h.Set("X-Amz-Firehose-Source-Arn", d.arn)
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	if c.EndpointConfiguration.AccessKey != "" {
		h.Set("X-Amz-Firehose-Access-Key", c.EndpointConfiguration.AccessKey)
	}
	if rc := c.RequestConfiguration; rc != nil && len(rc.CommonAttributes) > 0 {
		attrs := make(map[string]string, len(rc.CommonAttributes))
		for _, a := range rc.CommonAttributes {
			attrs[a.AttributeName] = a.AttributeValue
		}
		v, _ := json.Marshal(map[string]any{"commonAttributes": attrs})
		h.Set("X-Amz-Firehose-Common-Attributes", string(v))
	}
	resp, answer, err := d.send(ctx, req)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusRequestEntityTooLarge {
		return &deliveryError{code: "HttpEndpoint.PayloadTooLarge", msg: "The endpoint answered 413 Request Entity Too Large.", permanent: true}
	}
	var a httpAnswer
	ct := resp.Header.Get("Content-Type")
	valid := strings.HasPrefix(ct, "application/json") && resp.Header.Get("Content-Encoding") == "" &&
		json.Unmarshal(answer, &a) == nil && a.RequestID == j.requestID && a.Timestamp != nil
	if resp.StatusCode != http.StatusOK {
		msg := "The response received from the endpoint had the status code " + strconv.Itoa(resp.StatusCode) + "."
		if valid && a.ErrorMessage != "" {
			msg = a.ErrorMessage
		}
		return &deliveryError{code: "HttpEndpoint.DestinationException", msg: msg}
	}
	if !valid {
		return &deliveryError{code: "HttpEndpoint.InvalidResponseFromDestination",
			msg: "The response received from the specified endpoint is invalid."}
	}
	return nil
}

// indexName is an OpenSearch index name with its rotation suffix.
func indexName(c *OpenSearchDestinationConfiguration, t time.Time) string {
	t = t.UTC()
	switch c.IndexRotationPeriod {
	case OneHour:
		return c.IndexName + "-" + t.Format("2006-01-02-15")
	case OneDay:
		return c.IndexName + "-" + t.Format("2006-01-02")
	case OneWeek:
		y, w := t.ISOWeek()
		return c.IndexName + "-" + strconv.Itoa(y) + "-w" + string(pad(nil, int64(w), 2))
	case OneMonth:
		return c.IndexName + "-" + t.Format("2006-01")
	}
	return c.IndexName
}

// postOpenSearch sends a job's records to the _bulk API, one index action
// per record.
func (d *DeliveryStream) postOpenSearch(ctx context.Context, j *job) error {
	c := j.dest.os
	endpoint := c.ClusterEndpoint
	if j.dest.kind == kindOpenSearchServerless {
		endpoint = c.CollectionEndpoint
	}
	index := indexName(c, j.first)
	var body bytes.Buffer
	recs := j.recordsOf()
	for i, r := range recs {
		action := map[string]string{"_index": index}
		if c.TypeName != "" {
			action["_type"] = c.TypeName
		}
		if c.DefaultDocumentIdFormat != "NO_DOCUMENT_ID" {
			action["_id"] = documentID(j.requestID, j.docIndex(i))
		}
		line, _ := json.Marshal(map[string]any{"index": action})
		body.Write(line)
		body.WriteByte('\n')
		body.Write(bytes.TrimRight(r, "\n"))
		body.WriteByte('\n')
	}
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(endpoint, "/")+"/_bulk", &body)
	if err != nil {
		return &deliveryError{code: "OS.InvalidEndpoint", msg: err.Error(), permanent: true}
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	resp, answer, err := d.send(ctx, req)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &deliveryError{code: "OS.DestinationException", msg: "The bulk request was answered " + resp.Status}
	}
	var a struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int `json:"status"`
			Error  any `json:"error"`
		} `json:"items"`
	}
	if json.Unmarshal(answer, &a) != nil {
		return &deliveryError{code: "OS.InvalidResponse", msg: "The bulk response is not valid JSON."}
	}
	if !a.Errors {
		return nil
	}
	// Only the documents that failed are sent again, with their ids.
	var failed []int
	for i := range recs {
		if i >= len(a.Items) {
			failed = append(failed, i)
			continue
		}
		for _, item := range a.Items[i] {
			if item.Status >= 300 || item.Error != nil {
				failed = append(failed, i)
			}
		}
	}
	if len(failed) == 0 {
		return nil
	}
	j.keepOnly(recs, failed)
	return &deliveryError{code: "OS.DocumentFailed", msg: "One or more documents of the bulk request failed."}
}

// postSplunk sends a job's records to a Splunk HTTP Event Collector.
func (d *DeliveryStream) postSplunk(ctx context.Context, j *job) error {
	c := j.dest.splunk
	path := "/services/collector/event"
	if c.HECEndpointType == "Raw" {
		path = "/services/collector/raw"
	}
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(c.HECEndpoint, "/")+path, bytes.NewReader(j.flat()))
	if err != nil {
		return &deliveryError{code: "Splunk.InvalidEndpoint", msg: err.Error(), permanent: true}
	}
	req.Header.Set("Authorization", "Splunk "+c.HECToken)
	req.Header.Set("X-Splunk-Request-Channel", j.requestID)
	req.Header.Set("Content-Type", "application/json")
	resp, answer, err := d.send(ctx, req)
	if err != nil {
		return err
	}
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized:
		return &deliveryError{code: "Splunk.InvalidToken", msg: "The HEC token is invalid: " + string(answer)}
	case resp.StatusCode != http.StatusOK:
		return &deliveryError{code: "Splunk.ServerError", msg: "Splunk answered " + resp.Status + ": " + string(answer)}
	}
	var a struct {
		AckID *int64 `json:"ackId"`
	}
	if json.Unmarshal(answer, &a) != nil || a.AckID == nil {
		return nil // indexer acknowledgement is off on this HEC
	}
	j.ackID = *a.AckID
	j.ackDeadline = d.svc.cfg.clock.Now().Add(time.Duration(*c.HECAcknowledgmentTimeoutInSeconds) * time.Second)
	return errAckPending
}

// SplunkAckPollInterval is how often Firehose asks a Splunk HEC whether
// the events it took are indexed.
const SplunkAckPollInterval = 10 * time.Second

// errAckPending: Splunk took the events; the acknowledgement is awaited.
var errAckPending = errors.New("firehose: awaiting the Splunk indexer acknowledgement")

// pollSplunkAck asks the HEC whether a job's events are indexed. Past the
// HECAcknowledgmentTimeoutInSeconds the attempt has failed and the events
// are sent again (the wait does not count against RetryOptions).
func (d *DeliveryStream) pollSplunkAck(ctx context.Context, j *job) error {
	c := j.dest.splunk
	body, _ := json.Marshal(map[string][]int64{"acks": {j.ackID}})
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(c.HECEndpoint, "/")+"/services/collector/ack?channel="+j.requestID, bytes.NewReader(body))
	if err != nil {
		return &deliveryError{code: "Splunk.InvalidEndpoint", msg: err.Error(), permanent: true}
	}
	req.Header.Set("Authorization", "Splunk "+c.HECToken)
	req.Header.Set("X-Splunk-Request-Channel", j.requestID)
	req.Header.Set("Content-Type", "application/json")
	acked := false
	if resp, answer, err := d.send(ctx, req); err == nil && resp.StatusCode == http.StatusOK {
		var a struct {
			Acks map[string]bool `json:"acks"`
		}
		acked = json.Unmarshal(answer, &a) == nil && a.Acks[strconv.FormatInt(j.ackID, 10)]
	}
	if acked {
		j.ackID = -1
		return nil
	}
	now := d.svc.cfg.clock.Now()
	if now.Before(j.ackDeadline) {
		return errAckPending
	}
	j.giveUpAt = j.giveUpAt.Add(time.Duration(*c.HECAcknowledgmentTimeoutInSeconds) * time.Second)
	j.ackID = -1
	return &deliveryError{code: "Splunk.AckTimeout", msg: "Did not receive an acknowledgement from HEC before the HEC acknowledgement timeout expired."}
}

// documentID is the FIREHOSE_DEFAULT id of the i-th document of a request.
func documentID(requestID string, i int) string { return requestID + "-" + strconv.Itoa(i) }
