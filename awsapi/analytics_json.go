package awsapi

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluicehq/sluice/analytics"
)

// Amazon Kinesis Data Analytics for SQL (the v1 API) over AWS JSON 1.1
// (X-Amz-Target: KinesisAnalytics_20150814.<Op>). Requests carry AWS's
// member names, which are the native inputs' names, so most operations
// decode straight into the native input; descriptions and partial updates
// (…Description, …Update members) are translated here. An output naming a
// Kinesis stream or Firehose delivery stream by ARN is resolved in the
// services given with WithStreams and WithFirehose.

const analyticsTarget = "KinesisAnalytics_20150814"

// WithAnalytics serves Amazon Kinesis Data Analytics (the v1 SQL API) from
// svc. Outputs naming a Kinesis stream or a Firehose delivery stream by ARN
// reach the streams of the services given with WithStreams and WithFirehose
// (in any order); give svc those services with analytics.WithStreams and
// analytics.WithFirehose for its inputs.
func WithAnalytics(svc *analytics.Service) Option {
	return func(h *handler) {
		a := &analyticsAPI{svc: svc, h: h, registered: make(map[string]bool)}
		h.extra = append(h.extra, route{prefix: analyticsTarget, serve: func(w http.ResponseWriter, r *http.Request, c *call, op string) {
			c.service = "kinesisanalytics"
			a.serve(w, r, c, op)
		}})
	}
}

// analyticsAPI serves one analytics Service and remembers which output
// ARNs it registered with it.
type analyticsAPI struct {
	svc *analytics.Service
	h   *handler

	mu         sync.Mutex
	registered map[string]bool
}

type analyticsOp func(a *analyticsAPI, ctx context.Context, body []byte) (any, error)

func analyticsNoOut[In any](fn func(*analytics.Service, context.Context, In) error) analyticsOp {
	return func(a *analyticsAPI, ctx context.Context, body []byte) (any, error) {
		var in In
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		return nil, fn(a.svc, ctx, in)
	}
}

func analyticsOut[In, Out any](fn func(*analytics.Service, context.Context, In) (Out, error)) analyticsOp {
	return func(a *analyticsAPI, ctx context.Context, body []byte) (any, error) {
		var in In
		if err := decodeJSON11(body, &in); err != nil {
			return nil, err
		}
		out, err := fn(a.svc, ctx, in)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
}

var analyticsOps = map[string]analyticsOp{
	"AddApplicationCloudWatchLoggingOption":         analyticsNoOut((*analytics.Service).AddApplicationCloudWatchLoggingOption),
	"AddApplicationInputProcessingConfiguration":    analyticsNoOut((*analytics.Service).AddApplicationInputProcessingConfiguration),
	"AddApplicationReferenceDataSource":             analyticsNoOut((*analytics.Service).AddApplicationReferenceDataSource),
	"DeleteApplicationCloudWatchLoggingOption":      analyticsNoOut((*analytics.Service).DeleteApplicationCloudWatchLoggingOption),
	"DeleteApplicationInputProcessingConfiguration": analyticsNoOut((*analytics.Service).DeleteApplicationInputProcessingConfiguration),
	"DeleteApplicationOutput":                       analyticsNoOut((*analytics.Service).DeleteApplicationOutput),
	"DeleteApplicationReferenceDataSource":          analyticsNoOut((*analytics.Service).DeleteApplicationReferenceDataSource),
	"ListApplications":                              analyticsOut((*analytics.Service).ListApplications),
	"ListTagsForResource":                           analyticsOut((*analytics.Service).ListTagsForResource),
	"StopApplication":                               analyticsNoOut((*analytics.Service).StopApplication),
	"TagResource":                                   analyticsNoOut((*analytics.Service).TagResource),
	"UntagResource":                                 analyticsNoOut((*analytics.Service).UntagResource),
	"CreateApplication":                             (*analyticsAPI).createApplication,
	"DescribeApplication":                           (*analyticsAPI).describeApplication,
	"DeleteApplication":                             (*analyticsAPI).deleteApplication,
	"StartApplication":                              (*analyticsAPI).startApplication,
	"UpdateApplication":                             (*analyticsAPI).updateApplication,
	"AddApplicationInput":                           (*analyticsAPI).addApplicationInput,
	"AddApplicationOutput":                          (*analyticsAPI).addApplicationOutput,
	"DiscoverInputSchema":                           (*analyticsAPI).discoverInputSchema,
}

// serve serves one AWS JSON 1.1 request of Kinesis Data Analytics.
func (a *analyticsAPI) serve(w http.ResponseWriter, r *http.Request, c *call, op string) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSONError(w, c, asAWSError(err), "")
		return
	}
	fn := analyticsOps[op]
	if fn == nil {
		writeJSONError(w, c, errUnknownOperation("Unrecognized operation "+analyticsTarget+"."+op), "")
		return
	}
	out, err := fn(a, r.Context(), body)
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

// wireInput clears what only the Go API can configure: a wire client
// cannot write to a GoInput.
func wireInput(in analytics.Input) analytics.Input {
	in.GoInput = nil
	return in
}

func (a *analyticsAPI) createApplication(ctx context.Context, body []byte) (any, error) {
	var in analytics.CreateApplicationInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	for i := range in.Inputs {
		in.Inputs[i] = wireInput(in.Inputs[i])
	}
	for _, o := range in.Outputs {
		a.resolve(ctx, o)
	}
	return a.svc.CreateApplication(ctx, in)
}

func (a *analyticsAPI) addApplicationInput(ctx context.Context, body []byte) (any, error) {
	var in analytics.AddApplicationInputInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	in.Input = wireInput(in.Input)
	return nil, a.svc.AddApplicationInput(ctx, in)
}

func (a *analyticsAPI) addApplicationOutput(ctx context.Context, body []byte) (any, error) {
	var in analytics.AddApplicationOutputInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	a.resolve(ctx, in.Output)
	return nil, a.svc.AddApplicationOutput(ctx, in)
}

func (a *analyticsAPI) startApplication(ctx context.Context, body []byte) (any, error) {
	var in analytics.StartApplicationInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	if d, err := a.svc.DescribeApplication(ctx, analytics.DescribeApplicationInput{ApplicationName: in.ApplicationName}); err == nil {
		for _, o := range d.ApplicationDetail.OutputDescriptions {
			a.resolve(ctx, o.Output)
		}
	}
	return nil, a.svc.StartApplication(ctx, in)
}

func (a *analyticsAPI) deleteApplication(ctx context.Context, body []byte) (any, error) {
	var in analytics.DeleteApplicationInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	// Timestamps travel in epoch seconds, whole ones from botocore: a
	// CreateTimestamp naming the application's second is its own.
	if d, err := a.svc.DescribeApplication(ctx, analytics.DescribeApplicationInput{ApplicationName: in.ApplicationName}); err == nil {
		created := d.ApplicationDetail.CreateTimestamp
		if !in.CreateTimestamp.IsZero() && in.CreateTimestamp.Truncate(time.Second).Equal(created.Truncate(time.Second)) {
			in.CreateTimestamp = created
		}
	}
	return nil, a.svc.DeleteApplication(ctx, in)
}

func (a *analyticsAPI) discoverInputSchema(ctx context.Context, body []byte) (any, error) {
	var in analytics.DiscoverInputSchemaInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	in.SampleRecords = nil // sluice's own member, not AWS's
	out, err := a.svc.DiscoverInputSchema(ctx, in)
	if err != nil {
		return nil, err
	}
	return analyticsDiscoverOutput{InputSchema: out.InputSchema, ParsedInputRecords: out.ParsedInputRecords,
		RawInputRecords: out.RawInputRecords}, nil
}

type analyticsDiscoverOutput struct {
	InputSchema        analytics.SourceSchema
	ParsedInputRecords [][]string
	RawInputRecords    []string
}

// resolve registers the Kinesis stream or Firehose delivery stream an
// output names with the analytics service, once it exists: the destination
// looks the stream up again at each delivery, so a stream recreated under
// the same ARN is found.
func (a *analyticsAPI) resolve(ctx context.Context, o analytics.Output) {
	switch {
	case o.KinesisStreamsOutput != nil && a.h.streams != nil:
		arn := o.KinesisStreamsOutput.ResourceARN
		if a.isRegistered(arn) {
			return
		}
		if _, err := a.h.streams.Stream(arn); err != nil {
			return
		}
		streams := a.h.streams
		a.register(arn, analytics.DestinationFunc(func(ctx context.Context, records [][]byte) error {
			s, err := streams.Stream(arn)
			if err != nil {
				return err
			}
			return analytics.StreamDestination(s).Deliver(ctx, records)
		}))
	case o.KinesisFirehoseOutput != nil && a.h.hoses != nil:
		arn := o.KinesisFirehoseOutput.ResourceARN
		_, name, ok := strings.Cut(arn, ":deliverystream/")
		if !ok || a.isRegistered(arn) {
			return
		}
		hoses := a.h.hoses
		if d, err := hoses.DeliveryStream(ctx, name); err != nil || d.ARN() != arn {
			return
		}
		a.register(arn, analytics.DestinationFunc(func(ctx context.Context, records [][]byte) error {
			d, err := hoses.DeliveryStream(ctx, name)
			if err != nil {
				return err
			}
			return analytics.FirehoseDestination(d).Deliver(ctx, records)
		}))
	}
}

func (a *analyticsAPI) isRegistered(arn string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.registered[arn]
}

func (a *analyticsAPI) register(arn string, d analytics.Destination) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.registered[arn] {
		a.registered[arn] = true
		a.svc.RegisterDestination(arn, d)
	}
}

// The members of DescribeApplication that AWS names differently from the
// native configuration (…Description).

type analyticsDetail struct {
	ApplicationName                     string
	ApplicationDescription              string
	ApplicationARN                      string
	ApplicationStatus                   analytics.ApplicationStatus
	CreateTimestamp                     time.Time
	LastUpdateTimestamp                 time.Time
	InputDescriptions                   []analyticsInputDescription
	OutputDescriptions                  []analyticsOutputDescription
	ReferenceDataSourceDescriptions     []analyticsReferenceDescription
	CloudWatchLoggingOptionDescriptions []analytics.CloudWatchLoggingOptionDescription
	ApplicationCode                     string
	ApplicationVersionId                int64
}

type analyticsLambdaProcessing struct {
	InputLambdaProcessorDescription *analytics.InputLambdaProcessor
}

type analyticsInputDescription struct {
	InputId                                 string
	NamePrefix                              string
	InAppStreamNames                        []string
	InputProcessingConfigurationDescription *analyticsLambdaProcessing
	KinesisStreamsInputDescription          *analytics.KinesisStreamsInput
	KinesisFirehoseInputDescription         *analytics.KinesisFirehoseInput
	InputSchema                             analytics.SourceSchema
	InputParallelism                        analytics.InputParallelism
	InputStartingPositionConfiguration      *analytics.InputStartingPositionConfiguration
}

type analyticsOutputDescription struct {
	OutputId                         string
	Name                             string
	KinesisStreamsOutputDescription  *analytics.KinesisStreamsOutput
	KinesisFirehoseOutputDescription *analytics.KinesisFirehoseOutput
	LambdaOutputDescription          *analytics.LambdaOutput
	DestinationSchema                analytics.DestinationSchema
}

type analyticsReferenceDescription struct {
	ReferenceId                      string
	TableName                        string
	S3ReferenceDataSourceDescription analytics.S3ReferenceDataSource
	ReferenceSchema                  analytics.SourceSchema
}

func wireDetail(d analytics.ApplicationDetail) analyticsDetail {
	w := analyticsDetail{ApplicationName: d.ApplicationName, ApplicationDescription: d.ApplicationDescription,
		ApplicationARN: d.ApplicationARN, ApplicationStatus: d.ApplicationStatus, CreateTimestamp: d.CreateTimestamp,
		LastUpdateTimestamp: d.LastUpdateTimestamp, CloudWatchLoggingOptionDescriptions: d.CloudWatchLoggingOptionDescriptions,
		ApplicationCode: d.ApplicationCode, ApplicationVersionId: d.ApplicationVersionId,
		InputDescriptions:               []analyticsInputDescription{},
		OutputDescriptions:              []analyticsOutputDescription{},
		ReferenceDataSourceDescriptions: []analyticsReferenceDescription{},
	}
	if w.CloudWatchLoggingOptionDescriptions == nil {
		w.CloudWatchLoggingOptionDescriptions = []analytics.CloudWatchLoggingOptionDescription{}
	}
	for _, in := range d.InputDescriptions {
		x := analyticsInputDescription{InputId: in.InputId, NamePrefix: in.NamePrefix, InAppStreamNames: in.InAppStreamNames,
			KinesisStreamsInputDescription: in.KinesisStreamsInput, KinesisFirehoseInputDescription: in.KinesisFirehoseInput,
			InputSchema: in.InputSchema, InputParallelism: in.InputParallelism,
			InputStartingPositionConfiguration: in.InputStartingPositionConfiguration}
		if p := in.InputProcessingConfiguration; p != nil {
			x.InputProcessingConfigurationDescription = &analyticsLambdaProcessing{InputLambdaProcessorDescription: p.InputLambdaProcessor}
		}
		w.InputDescriptions = append(w.InputDescriptions, x)
	}
	for _, o := range d.OutputDescriptions {
		w.OutputDescriptions = append(w.OutputDescriptions, analyticsOutputDescription{OutputId: o.OutputId, Name: o.Name,
			KinesisStreamsOutputDescription: o.KinesisStreamsOutput, KinesisFirehoseOutputDescription: o.KinesisFirehoseOutput,
			LambdaOutputDescription: o.LambdaOutput, DestinationSchema: o.DestinationSchema})
	}
	for _, r := range d.ReferenceDataSourceDescriptions {
		w.ReferenceDataSourceDescriptions = append(w.ReferenceDataSourceDescriptions, analyticsReferenceDescription{
			ReferenceId: r.ReferenceId, TableName: r.TableName, S3ReferenceDataSourceDescription: r.S3ReferenceDataSource,
			ReferenceSchema: r.ReferenceSchema})
	}
	return w
}

func (a *analyticsAPI) describeApplication(ctx context.Context, body []byte) (any, error) {
	var in analytics.DescribeApplicationInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	out, err := a.svc.DescribeApplication(ctx, in)
	if err != nil {
		return nil, err
	}
	return struct{ ApplicationDetail analyticsDetail }{wireDetail(out.ApplicationDetail)}, nil
}

// The partial updates of UpdateApplication: each …Update member changes
// only what it names, the rest is taken from the current configuration.

type analyticsARNUpdate struct {
	ResourceARNUpdate *string
	RoleARNUpdate     *string
}

// apply returns the ARN pair cur updated with u.
func (u *analyticsARNUpdate) apply(curARN, curRole string) (arn, role string) {
	arn, role = curARN, curRole
	if u.ResourceARNUpdate != nil {
		arn = *u.ResourceARNUpdate
	}
	if u.RoleARNUpdate != nil {
		role = *u.RoleARNUpdate
	}
	return arn, role
}

type analyticsSchemaUpdate struct {
	RecordFormatUpdate   *analytics.RecordFormat
	RecordEncodingUpdate *string
	RecordColumnUpdates  []analytics.RecordColumn
}

type analyticsInputUpdate struct {
	InputId                            string
	NamePrefixUpdate                   *string
	InputProcessingConfigurationUpdate *struct{ InputLambdaProcessorUpdate *analyticsARNUpdate }
	KinesisStreamsInputUpdate          *analyticsARNUpdate
	KinesisFirehoseInputUpdate         *analyticsARNUpdate
	InputSchemaUpdate                  *analyticsSchemaUpdate
	InputParallelismUpdate             *struct{ CountUpdate *int }
}

type analyticsOutputUpdate struct {
	OutputId                    string
	NameUpdate                  *string
	KinesisStreamsOutputUpdate  *analyticsARNUpdate
	KinesisFirehoseOutputUpdate *analyticsARNUpdate
	LambdaOutputUpdate          *analyticsARNUpdate
	DestinationSchemaUpdate     *analytics.DestinationSchema
}

type analyticsReferenceUpdate struct {
	ReferenceId                 string
	TableNameUpdate             *string
	S3ReferenceDataSourceUpdate *struct {
		BucketARNUpdate        *string
		FileKeyUpdate          *string
		ReferenceRoleARNUpdate *string
	}
	ReferenceSchemaUpdate *analytics.SourceSchema
}

type analyticsUpdateInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ApplicationUpdate           struct {
		ApplicationCodeUpdate          *string
		InputUpdates                   []analyticsInputUpdate
		OutputUpdates                  []analyticsOutputUpdate
		ReferenceDataSourceUpdates     []analyticsReferenceUpdate
		CloudWatchLoggingOptionUpdates []struct {
			CloudWatchLoggingOptionId string
			LogStreamARNUpdate        *string
			RoleARNUpdate             *string
		}
	}
}

func (a *analyticsAPI) updateApplication(ctx context.Context, body []byte) (any, error) {
	var in analyticsUpdateInput
	if err := decodeJSON11(body, &in); err != nil {
		return nil, err
	}
	cur, err := a.svc.DescribeApplication(ctx, analytics.DescribeApplicationInput{ApplicationName: in.ApplicationName})
	if err != nil {
		return nil, err
	}
	d := cur.ApplicationDetail
	u := in.ApplicationUpdate
	if len(u.CloudWatchLoggingOptionUpdates) > 0 {
		return nil, analytics.ErrUnsupportedOperationException.WithMessage(
			"sluice does not update CloudWatch logging options; delete the option and add it again")
	}
	out := analytics.UpdateApplicationInput{ApplicationName: in.ApplicationName,
		CurrentApplicationVersionId: in.CurrentApplicationVersionId}
	out.ApplicationUpdate.ApplicationCodeUpdate = u.ApplicationCodeUpdate
	for _, iu := range u.InputUpdates {
		var c analytics.InputDescription
		for _, x := range d.InputDescriptions {
			if x.InputId == iu.InputId {
				c = x
			}
		}
		if iu.KinesisFirehoseInputUpdate != nil {
			return nil, analytics.ErrUnsupportedOperationException.WithMessage(
				"sluice does not update a Firehose input (KinesisFirehoseInputUpdate); create the application again")
		}
		n := analytics.InputUpdate{InputId: iu.InputId, NamePrefixUpdate: iu.NamePrefixUpdate}
		if p := iu.InputProcessingConfigurationUpdate; p != nil && p.InputLambdaProcessorUpdate != nil {
			var arn, role string
			if c.InputProcessingConfiguration != nil && c.InputProcessingConfiguration.InputLambdaProcessor != nil {
				arn, role = c.InputProcessingConfiguration.InputLambdaProcessor.ResourceARN, c.InputProcessingConfiguration.InputLambdaProcessor.RoleARN
			}
			arn, role = p.InputLambdaProcessorUpdate.apply(arn, role)
			n.InputProcessingConfigurationUpdate = &analytics.InputProcessingConfiguration{
				InputLambdaProcessor: &analytics.InputLambdaProcessor{ResourceARN: arn, RoleARN: role}}
		}
		if k := iu.KinesisStreamsInputUpdate; k != nil {
			var arn, role string
			if c.KinesisStreamsInput != nil {
				arn, role = c.KinesisStreamsInput.ResourceARN, c.KinesisStreamsInput.RoleARN
			}
			arn, role = k.apply(arn, role)
			n.KinesisStreamsInputUpdate = &analytics.KinesisStreamsInput{ResourceARN: arn, RoleARN: role}
		}
		if s := iu.InputSchemaUpdate; s != nil {
			schema := c.InputSchema
			if s.RecordFormatUpdate != nil {
				schema.RecordFormat = *s.RecordFormatUpdate
			}
			if s.RecordEncodingUpdate != nil {
				schema.RecordEncoding = *s.RecordEncodingUpdate
			}
			if s.RecordColumnUpdates != nil {
				schema.RecordColumns = s.RecordColumnUpdates
			}
			n.InputSchemaUpdate = &schema
		}
		if p := iu.InputParallelismUpdate; p != nil && p.CountUpdate != nil {
			n.InputParallelismUpdate = &analytics.InputParallelism{Count: *p.CountUpdate}
		}
		out.ApplicationUpdate.InputUpdates = append(out.ApplicationUpdate.InputUpdates, n)
	}
	for _, ou := range u.OutputUpdates {
		var c analytics.Output
		for _, x := range d.OutputDescriptions {
			if x.OutputId == ou.OutputId {
				c = x.Output
			}
		}
		n := analytics.OutputUpdate{OutputId: ou.OutputId, NameUpdate: ou.NameUpdate, DestinationSchemaUpdate: ou.DestinationSchemaUpdate}
		if k := ou.KinesisStreamsOutputUpdate; k != nil {
			var arn, role string
			if c.KinesisStreamsOutput != nil {
				arn, role = c.KinesisStreamsOutput.ResourceARN, c.KinesisStreamsOutput.RoleARN
			}
			arn, role = k.apply(arn, role)
			n.KinesisStreamsOutputUpdate = &analytics.KinesisStreamsOutput{ResourceARN: arn, RoleARN: role}
			a.resolve(ctx, analytics.Output{KinesisStreamsOutput: n.KinesisStreamsOutputUpdate})
		}
		if k := ou.KinesisFirehoseOutputUpdate; k != nil {
			var arn, role string
			if c.KinesisFirehoseOutput != nil {
				arn, role = c.KinesisFirehoseOutput.ResourceARN, c.KinesisFirehoseOutput.RoleARN
			}
			arn, role = k.apply(arn, role)
			n.KinesisFirehoseOutputUpdate = &analytics.KinesisFirehoseOutput{ResourceARN: arn, RoleARN: role}
			a.resolve(ctx, analytics.Output{KinesisFirehoseOutput: n.KinesisFirehoseOutputUpdate})
		}
		if k := ou.LambdaOutputUpdate; k != nil {
			var arn, role string
			if c.LambdaOutput != nil {
				arn, role = c.LambdaOutput.ResourceARN, c.LambdaOutput.RoleARN
			}
			arn, role = k.apply(arn, role)
			n.LambdaOutputUpdate = &analytics.LambdaOutput{ResourceARN: arn, RoleARN: role}
		}
		out.ApplicationUpdate.OutputUpdates = append(out.ApplicationUpdate.OutputUpdates, n)
	}
	for _, ru := range u.ReferenceDataSourceUpdates {
		var c analytics.ReferenceDataSource
		for _, x := range d.ReferenceDataSourceDescriptions {
			if x.ReferenceId == ru.ReferenceId {
				c = x.ReferenceDataSource
			}
		}
		n := analytics.ReferenceDataSourceUpdate{ReferenceId: ru.ReferenceId, TableNameUpdate: ru.TableNameUpdate,
			ReferenceSchemaUpdate: ru.ReferenceSchemaUpdate}
		if s := ru.S3ReferenceDataSourceUpdate; s != nil {
			src := c.S3ReferenceDataSource
			if s.BucketARNUpdate != nil {
				src.BucketARN = *s.BucketARNUpdate
			}
			if s.FileKeyUpdate != nil {
				src.FileKey = *s.FileKeyUpdate
			}
			if s.ReferenceRoleARNUpdate != nil {
				src.ReferenceRoleARN = *s.ReferenceRoleARNUpdate
			}
			n.S3ReferenceDataSource = &src
		}
		out.ApplicationUpdate.ReferenceDataSourceUpdates = append(out.ApplicationUpdate.ReferenceDataSourceUpdates, n)
	}
	for _, o := range d.OutputDescriptions {
		a.resolve(ctx, o.Output)
	}
	return nil, a.svc.UpdateApplication(ctx, out)
}
