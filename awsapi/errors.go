package awsapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/sluicehq/sluice/internal/awserr"
)

// Errors the wire layer itself answers with, before any native operation
// runs: the request could not be read.

func errInternal(msg string) *awserr.Error {
	return &awserr.Error{Code: "InternalFailure", Message: msg, HTTPStatus: http.StatusInternalServerError}
}

func errUnknownOperation(msg string) *awserr.Error {
	return &awserr.Error{Code: "UnknownOperationException", Message: msg, HTTPStatus: http.StatusBadRequest, Sender: true}
}

func errInvalidAction(msg string) *awserr.Error {
	return &awserr.Error{Code: "InvalidAction", Message: msg, HTTPStatus: http.StatusBadRequest, Sender: true}
}

func errTooLarge(limit int64) *awserr.Error {
	return &awserr.Error{Code: "RequestEntityTooLarge", HTTPStatus: http.StatusRequestEntityTooLarge, Sender: true,
		Message: "Request body is larger than " + strconv.FormatInt(limit, 10) + " bytes."}
}

func errSerialization(msg string) *awserr.Error {
	return &awserr.Error{Code: "SerializationException", Message: msg, HTTPStatus: http.StatusBadRequest, Sender: true}
}

func errMalformedQuery(msg string) *awserr.Error {
	return &awserr.Error{Code: "MalformedQueryString", Message: msg, HTTPStatus: http.StatusBadRequest, Sender: true}
}

func errMissingAction() *awserr.Error {
	return &awserr.Error{Code: "MissingAction", Message: "Missing Action", HTTPStatus: http.StatusBadRequest, Sender: true}
}

// jsonError is the body of an AWS JSON protocol error.
type jsonError struct {
	Type    string `json:"__type"`
	Message string `json:"message,omitempty"`
}

// writeJSONError writes e in the AWS JSON shape, __type being ns+Code.
func writeJSONError(w http.ResponseWriter, c *call, e *awserr.Error, ns string) {
	writeJSONErrorCT(w, c, e, ns, "application/x-amz-json-1.1")
}

func writeJSONErrorCT(w http.ResponseWriter, c *call, e *awserr.Error, ns, contentType string) {
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusBadRequest
	}
	c.status = status
	body, _ := json.Marshal(jsonError{Type: ns + e.Code, Message: e.Message})
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fault returns "Sender" or "Receiver", as query errors and the
// x-amzn-query-error header name who is at fault.
func fault(e *awserr.Error) string {
	if e.Sender {
		return "Sender"
	}
	return "Receiver"
}

// writeQueryError writes e as a query protocol <ErrorResponse>.
func writeQueryError(w http.ResponseWriter, c *call, xmlns string, e *awserr.Error) {
	status := e.HTTPStatus
	if status == 0 {
		status = http.StatusBadRequest
	}
	c.status = status
	x := newXMLWriter()
	x.raw(`<?xml version="1.0"?>`)
	x.open(`ErrorResponse xmlns="` + xmlns + `"`)
	x.open("Error")
	x.elem("Type", fault(e))
	x.elem("Code", e.LegacyCode())
	x.elem("Message", e.Message)
	x.raw("<Detail/>")
	x.close("Error")
	x.elem("RequestId", c.id)
	x.close("ErrorResponse")
	x.send(w, status)
}
