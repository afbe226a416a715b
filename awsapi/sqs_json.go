package awsapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"github.com/sluicehq/sluice/internal/awserr"
)

const sqsJSONType = "application/x-amz-json-1.0"

// sqsShapes are the error codes the SQS model declares as its own shapes;
// their __type is namespaced com.amazonaws.sqs. Other codes are the common
// ones AWS answers from its front end.
var sqsShapes = map[string]bool{
	"QueueDoesNotExist": true, "QueueNameExists": true, "QueueDeletedRecently": true, "MessageNotInflight": true,
	"PurgeQueueInProgress": true, "BatchEntryIdsNotDistinct": true, "BatchRequestTooLong": true,
	"EmptyBatchRequest": true, "InvalidBatchEntryId": true, "TooManyEntriesInBatchRequest": true,
	"UnsupportedOperation": true, "ReceiptHandleIsInvalid": true, "InvalidAddress": true,
	"ResourceNotFoundException": true, "OverLimit": true, "RequestThrottled": true, "InvalidSecurity": true,
	"InvalidAttributeName": true, "InvalidAttributeValue": true, "InvalidMessageContents": true, "InvalidIdFormat": true,
}

// serveSQSJSON serves one AWS JSON 1.0 request of SQS.
func (h *handler) serveSQSJSON(w http.ResponseWriter, r *http.Request, c *call, op string) {
	if !sqsOps[op] {
		writeSQSJSONError(w, c, errUnknownOperation("Unrecognized operation AmazonSQS."+op))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeSQSJSONError(w, c, asAWSError(err))
		return
	}
	var req sqsRequest
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &req); err != nil {
			writeSQSJSONError(w, c, errSerialization("Unable to parse the request body: "+err.Error()))
			return
		}
	}
	resp, err := h.callSQS(r.Context(), c, op, &req)
	if err != nil {
		writeSQSJSONError(w, c, asAWSError(err))
		return
	}
	out, err := json.Marshal(resp)
	if err != nil {
		writeSQSJSONError(w, c, errInternal(err.Error()))
		return
	}
	c.status = http.StatusOK
	w.Header().Set("Content-Type", sqsJSONType)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// writeSQSJSONError writes an SQS JSON error: the __type, the message, and the
// x-amzn-query-error header with the query protocol's code, which the SDKs
// report as the error code.
func writeSQSJSONError(w http.ResponseWriter, c *call, e *awserr.Error) {
	ns := "com.amazon.coral.service#"
	if sqsShapes[e.Code] {
		ns = "com.amazonaws.sqs#"
	}
	w.Header().Set("x-amzn-query-error", e.LegacyCode()+";"+fault(e))
	writeJSONErrorCT(w, c, e, ns, sqsJSONType)
}
