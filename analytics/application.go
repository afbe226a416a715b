package analytics

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/sluicehq/sluice/internal/clock"
)

// Application is a Kinesis Data Analytics application: its configuration
// (code, input, outputs, reference data) and, while RUNNING, the engine
// executing its pumps.
//
// The control-plane operations are on [Service]; the data plane is here:
// [Application.PutRecords] writes to a Go input and
// [Application.Subscribe] reads an in-application stream.
type Application struct {
	svc  *Service
	name string
	arn  string

	// ingestMu serialises ingestion and delivery so outputs stay in
	// order; it is taken before mu.
	ingestMu sync.Mutex
	// bg counts the goroutines reading Kinesis inputs; Service.Close
	// waits for them.
	bg sync.WaitGroup

	mu          sync.Mutex
	description string
	code        string
	status      ApplicationStatus
	next        ApplicationStatus // after the transition
	until       time.Time         // end of the transition
	version     int64
	created     time.Time
	updated     time.Time
	inputs      []*appInput
	outputs     []*appOutput
	refs        []*appRef
	logging     []*appLogging
	tags        map[string]string
	seed        uint64 // from the Service's WithRand source
	nextID      int
	deleted     bool
	closed      bool

	eng      *engine
	mono     clock.Monotonic
	timer    *clock.Timer
	timerAt  time.Time
	readers  []*Reader
	queries  []goQuery
	refData  map[string][]byte
	invocSeq int64
}

// Name returns the application's name.
func (a *Application) Name() string { return a.name }

// ARN returns the application's ARN.
func (a *Application) ARN() string { return a.arn }

type appInput struct {
	id      string
	cfg     Input
	mapper  *mapper
	names   []string
	log     []inputRecord
	first   int64 // sequence number of log[0]
	nextSeq int64
	pos     int64 // next sequence number to read
	rr      int
	start   *InputStartingPositionConfiguration
	reader  *kinesisReader    // while a Kinesis input is read
	last    map[string]string // last sequence number read per shard
	untap   func()            // while a Firehose input is read
	tapGen  uint64            // tells a stale Firehose tap from the current one
}

// external reports whether the input's records come from another service
// (a Kinesis stream or a delivery stream), which keeps them: the input's
// log is only a hand-over.
func (ai *appInput) external() bool {
	return ai.cfg.KinesisStreamsInput != nil || ai.cfg.KinesisFirehoseInput != nil
}

type inputRecord struct {
	seq     int64
	data    []byte
	arrival int64
	// Kinesis stream inputs: where the record was read.
	shard, partitionKey, sequenceNumber string
}

type appOutput struct {
	id      string
	cfg     Output
	queue   [][]byte
	retryAt time.Time
}

type appRef struct {
	id     string
	cfg    ReferenceDataSource
	mapper *mapper
}

func (a *Application) newID() string {
	a.nextID++
	return strconv.Itoa(a.nextID) + ".1"
}

func validName(n string) bool { return n != "" && len(n) <= maxNameLength }

func (a *Application) newInput(in Input) (*appInput, error) {
	if !validName(in.NamePrefix) {
		return nil, errorf(ErrInvalidArgumentException, "NamePrefix must be 1 to %d characters", maxNameLength)
	}
	n := 1
	if in.InputParallelism != nil {
		n = in.InputParallelism.Count
	}
	if n < 1 || n > MaxInputParallelism {
		return nil, errorf(ErrInvalidArgumentException, "InputParallelism Count must be 1 to %d, found %d", MaxInputParallelism, n)
	}
	sources := 0
	for _, set := range []bool{in.KinesisStreamsInput != nil, in.KinesisFirehoseInput != nil, in.GoInput != nil} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, errorf(ErrInvalidArgumentException, "an input needs exactly one of KinesisStreamsInput, KinesisFirehoseInput or GoInput")
	}
	if f := in.KinesisFirehoseInput; f != nil {
		if _, err := a.svc.deliveryStream(f.ResourceARN); err != nil {
			return nil, err
		}
	}
	if k := in.KinesisStreamsInput; k != nil {
		if a.svc.cfg.streams == nil {
			return nil, errorf(ErrInvalidArgumentException, "Kinesis stream %s cannot be read: the analytics Service has no stream Service (WithStreams)", k.ResourceARN)
		}
		if _, err := a.svc.cfg.streams.Stream(k.ResourceARN); err != nil {
			return nil, errorf(ErrInvalidArgumentException, "Kinesis stream %s not found", k.ResourceARN)
		}
	}
	m, err := newMapper(in.InputSchema)
	if err != nil {
		return nil, err
	}
	if err := validateProcessing(in.InputProcessingConfiguration); err != nil {
		return nil, err
	}
	ai := &appInput{id: a.newID(), cfg: in, mapper: m}
	for i := 1; i <= n; i++ {
		ai.names = append(ai.names, fmt.Sprintf("%s_%03d", in.NamePrefix, i))
	}
	return ai, nil
}

func validateProcessing(p *InputProcessingConfiguration) error {
	if p == nil {
		return nil
	}
	if p.InputLambdaProcessor == nil || p.InputLambdaProcessor.ResourceARN == "" {
		return errorf(ErrInvalidArgumentException, "InputProcessingConfiguration needs an InputLambdaProcessor with a ResourceARN")
	}
	return nil
}

func (a *Application) newOutput(o Output) (*appOutput, error) {
	if !validName(o.Name) {
		return nil, errorf(ErrInvalidArgumentException, "output Name must be 1 to %d characters", maxNameLength)
	}
	n := 0
	for _, set := range []bool{o.KinesisStreamsOutput != nil, o.KinesisFirehoseOutput != nil, o.LambdaOutput != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, errorf(ErrInvalidArgumentException, "an output needs exactly one of KinesisStreamsOutput, KinesisFirehoseOutput or LambdaOutput")
	}
	switch o.DestinationSchema.RecordFormatType {
	case RecordFormatJSON, RecordFormatCSV:
	default:
		return nil, errorf(ErrInvalidArgumentException, "DestinationSchema RecordFormatType must be JSON or CSV")
	}
	return &appOutput{id: a.newID(), cfg: o}, nil
}

func (a *Application) newRef(r ReferenceDataSource) (*appRef, error) {
	if !validName(r.TableName) {
		return nil, errorf(ErrInvalidArgumentException, "TableName must be 1 to %d characters", maxNameLength)
	}
	if r.S3ReferenceDataSource.BucketARN == "" || r.S3ReferenceDataSource.FileKey == "" {
		return nil, errorf(ErrInvalidArgumentException, "S3ReferenceDataSource needs a BucketARN and a FileKey")
	}
	m, err := newMapper(r.ReferenceSchema)
	if err != nil {
		return nil, err
	}
	return &appRef{id: a.newID(), cfg: r, mapper: m}, nil
}

// buildEngine creates an engine with the input streams and reference
// tables and compiles the code into it.
func (a *Application) buildEngine(code string, refData map[string][]byte) (*engine, error) {
	e := newEngine()
	e.seedBase = a.seed
	for _, in := range a.inputs {
		for _, n := range in.names {
			s := &inStream{name: n, source: true, wmIdx: -1, cols: slices.Clone(in.mapper.cols)}
			s.cols = append(s.cols, column{name: "APPROXIMATE_ARRIVAL_TIME", typ: tTimestamp, hidden: true})
			e.addStream(s)
		}
	}
	for _, r := range a.refs {
		t := &inStream{name: r.cfg.TableName, table: true, wmIdx: -1, cols: r.mapper.cols}
		if data, ok := refData[r.id]; ok {
			for _, mr := range r.mapper.mapRecord(data) {
				if mr.err == "" {
					t.rows = append(t.rows, row{vals: mr.vals})
				}
			}
		}
		e.addStream(t)
	}
	if len(code) > MaxApplicationCodeLength {
		return nil, errorf(ErrCodeValidationException, "ApplicationCode is longer than %d characters", MaxApplicationCodeLength)
	}
	if err := compileCode(code, e); err != nil {
		return nil, err
	}
	for _, q := range a.queries {
		if err := e.addGoQuery(q); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// validateCode parses code, and compiles it when an input is configured
// (code written before its input exists is only parsed).
func (a *Application) validateCode(code string) error {
	if len(code) > MaxApplicationCodeLength {
		return errorf(ErrCodeValidationException, "ApplicationCode is longer than %d characters", MaxApplicationCodeLength)
	}
	if len(a.inputs) == 0 {
		_, err := parseCode(code)
		return err
	}
	_, err := a.buildEngine(code, nil)
	return err
}

func (a *Application) detailLocked() ApplicationDetail {
	d := ApplicationDetail{ApplicationName: a.name, ApplicationDescription: a.description, ApplicationARN: a.arn,
		ApplicationStatus: a.status, CreateTimestamp: a.created, LastUpdateTimestamp: a.updated,
		ApplicationCode: a.code, ApplicationVersionId: a.version}
	for _, in := range a.inputs {
		d.InputDescriptions = append(d.InputDescriptions, InputDescription{InputId: in.id, NamePrefix: in.cfg.NamePrefix,
			InAppStreamNames: slices.Clone(in.names), InputParallelism: InputParallelism{Count: len(in.names)},
			InputSchema: in.cfg.InputSchema, InputProcessingConfiguration: in.cfg.InputProcessingConfiguration,
			InputStartingPositionConfiguration: in.start, KinesisStreamsInput: in.cfg.KinesisStreamsInput,
			KinesisFirehoseInput: in.cfg.KinesisFirehoseInput, GoInput: in.cfg.GoInput})
	}
	for _, o := range a.outputs {
		d.OutputDescriptions = append(d.OutputDescriptions, OutputDescription{OutputId: o.id, Output: o.cfg})
	}
	for _, r := range a.refs {
		d.ReferenceDataSourceDescriptions = append(d.ReferenceDataSourceDescriptions,
			ReferenceDataSourceDescription{ReferenceId: r.id, ReferenceDataSource: r.cfg})
	}
	for _, l := range a.logging {
		d.CloudWatchLoggingOptionDescriptions = append(d.CloudWatchLoggingOptionDescriptions,
			CloudWatchLoggingOptionDescription{CloudWatchLoggingOptionId: l.id, CloudWatchLoggingOption: l.cfg})
	}
	return d
}

func (a *Application) transitionalLocked() bool {
	switch a.status {
	case StatusStarting, StatusStopping, StatusUpdating, StatusDeleting:
		return true
	}
	return false
}

// beginLocked starts a transition to next through status; with no
// transition delay it completes at once.
func (a *Application) beginLocked(status, next ApplicationStatus) {
	now := a.svc.now()
	a.status, a.next = status, next
	a.until = now.Add(a.svc.cfg.transition)
	a.catchUpLocked()
	a.armTimerLocked()
}

// catchUpLocked completes a transition whose time has come.
func (a *Application) catchUpLocked() {
	if !a.transitionalLocked() || a.svc.now().Before(a.until) {
		return
	}
	switch a.status {
	case StatusDeleting:
		a.deleted = true
		a.stopTimerLocked()
		a.closed = true
		a.wakeLocked()
		return
	case StatusStarting:
		a.startEngineLocked()
	}
	a.status = a.next
}

func (a *Application) checkVersionLocked(v int64) error {
	if a.transitionalLocked() {
		return errorf(ErrResourceInUseException, "Application %s is %s", a.name, a.status)
	}
	if v != a.version {
		return errorf(ErrConcurrentModificationException,
			"Current application version is %d, but the request specified version %d.", a.version, v)
	}
	return nil
}

// configChangedLocked bumps the version after a configuration change; a
// running application restarts its engine with the new configuration.
func (a *Application) configChangedLocked() {
	a.version++
	a.updated = a.svc.now()
	if a.status == StatusRunning {
		a.restartEngineLocked()
		a.beginLocked(StatusUpdating, StatusRunning)
	}
}

// mutate runs f on a current, non-transitional application whose version
// matches, then bumps the version.
func (s *Service) mutate(ctx context.Context, name string, version int64, f func(a *Application) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if version < 1 || version > 999999999 {
		return errorf(ErrInvalidArgumentException, "CurrentApplicationVersionId must be 1 to 999999999")
	}
	a, err := s.appByName(name)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.checkVersionLocked(version); err != nil {
		return err
	}
	if err := f(a); err != nil {
		return err
	}
	a.configChangedLocked()
	return nil
}

// UpdateApplicationInput is the input of [Service.UpdateApplication].
type UpdateApplicationInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ApplicationUpdate           ApplicationUpdate
}

// UpdateApplication changes code, inputs, outputs or reference sources. A
// running application restarts with the new configuration (window state
// is lost, as on AWS); reference tables are reloaded.
func (s *Service) UpdateApplication(ctx context.Context, in UpdateApplicationInput) error {
	refData, err := s.loadRefUpdates(ctx, in.ApplicationUpdate.ReferenceDataSourceUpdates)
	if err != nil {
		return err
	}
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		// Work on copies so a rejected update changes nothing.
		u := in.ApplicationUpdate
		inputs := slices.Clone(a.inputs)
		for _, iu := range u.InputUpdates {
			i := slices.IndexFunc(inputs, func(x *appInput) bool { return x.id == iu.InputId })
			if i < 0 {
				return errorf(ErrResourceNotFoundException, "input %s not found", iu.InputId)
			}
			cfg := inputs[i].cfg
			if iu.NamePrefixUpdate != nil {
				cfg.NamePrefix = *iu.NamePrefixUpdate
			}
			if iu.InputParallelismUpdate != nil {
				cfg.InputParallelism = iu.InputParallelismUpdate
			}
			if iu.InputSchemaUpdate != nil {
				cfg.InputSchema = *iu.InputSchemaUpdate
			}
			if iu.InputProcessingConfigurationUpdate != nil {
				p := *iu.InputProcessingConfigurationUpdate
				cfg.InputProcessingConfiguration = &p
			}
			if iu.KinesisStreamsInputUpdate != nil {
				if cfg.KinesisStreamsInput == nil {
					return errorf(ErrInvalidArgumentException, "input %s does not read a Kinesis stream", iu.InputId)
				}
				k := *iu.KinesisStreamsInputUpdate
				cfg.KinesisStreamsInput = &k
			}
			ni, err := a.newInput(cfg)
			if err != nil {
				return err
			}
			old := *inputs[i]
			old.cfg, old.mapper, old.names = ni.cfg, ni.mapper, ni.names
			inputs[i] = &old
		}
		outputs := slices.Clone(a.outputs)
		for _, ou := range u.OutputUpdates {
			i := slices.IndexFunc(outputs, func(x *appOutput) bool { return x.id == ou.OutputId })
			if i < 0 {
				return errorf(ErrResourceNotFoundException, "output %s not found", ou.OutputId)
			}
			o := *outputs[i]
			if ou.NameUpdate != nil {
				if !validName(*ou.NameUpdate) {
					return errorf(ErrInvalidArgumentException, "output Name must be 1 to %d characters", maxNameLength)
				}
				o.cfg.Name = *ou.NameUpdate
			}
			if ou.DestinationSchemaUpdate != nil {
				o.cfg.DestinationSchema = *ou.DestinationSchemaUpdate
			}
			switch {
			case ou.KinesisStreamsOutputUpdate != nil:
				k := *ou.KinesisStreamsOutputUpdate
				o.cfg.KinesisStreamsOutput, o.cfg.KinesisFirehoseOutput, o.cfg.LambdaOutput = &k, nil, nil
			case ou.KinesisFirehoseOutputUpdate != nil:
				k := *ou.KinesisFirehoseOutputUpdate
				o.cfg.KinesisStreamsOutput, o.cfg.KinesisFirehoseOutput, o.cfg.LambdaOutput = nil, &k, nil
			case ou.LambdaOutputUpdate != nil:
				k := *ou.LambdaOutputUpdate
				o.cfg.KinesisStreamsOutput, o.cfg.KinesisFirehoseOutput, o.cfg.LambdaOutput = nil, nil, &k
			}
			if _, err := a.newOutput(o.cfg); err != nil {
				return err
			}
			outputs[i] = &o
		}
		refs := slices.Clone(a.refs)
		for _, ru := range u.ReferenceDataSourceUpdates {
			i := slices.IndexFunc(refs, func(x *appRef) bool { return x.id == ru.ReferenceId })
			if i < 0 {
				return errorf(ErrResourceNotFoundException, "reference data source %s not found", ru.ReferenceId)
			}
			cfg := refs[i].cfg
			if ru.TableNameUpdate != nil {
				cfg.TableName = *ru.TableNameUpdate
			}
			if ru.S3ReferenceDataSource != nil {
				cfg.S3ReferenceDataSource = *ru.S3ReferenceDataSource
			}
			if ru.ReferenceSchemaUpdate != nil {
				cfg.ReferenceSchema = *ru.ReferenceSchemaUpdate
			}
			nr, err := a.newRef(cfg)
			if err != nil {
				return err
			}
			nr.id = refs[i].id
			refs[i] = nr
		}
		code := a.code
		if u.ApplicationCodeUpdate != nil {
			code = *u.ApplicationCodeUpdate
		}
		oldIn, oldOut, oldRefs := a.inputs, a.outputs, a.refs
		a.inputs, a.outputs, a.refs = inputs, outputs, refs
		if err := a.validateCode(code); err != nil {
			a.inputs, a.outputs, a.refs = oldIn, oldOut, oldRefs
			return err
		}
		a.code = code
		for k, v := range refData {
			if a.refData == nil {
				a.refData = map[string][]byte{}
			}
			a.refData[k] = v
		}
		return nil
	})
}

func (s *Service) loadRefUpdates(ctx context.Context, us []ReferenceDataSourceUpdate) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, u := range us {
		if u.S3ReferenceDataSource == nil {
			continue
		}
		data, err := s.getObject(ctx, *u.S3ReferenceDataSource)
		if err != nil {
			return nil, err
		}
		out[u.ReferenceId] = data
	}
	return out, nil
}

func (s *Service) getObject(ctx context.Context, src S3ReferenceDataSource) ([]byte, error) {
	if s.cfg.objects == nil {
		return nil, errorf(ErrResourceNotFoundException, "no object store: pass WithObjects to read %s/%s", src.BucketARN, src.FileKey)
	}
	return s.cfg.objects.GetObject(ctx, src.BucketARN, src.FileKey)
}

// AddApplicationInputInput is the input of [Service.AddApplicationInput].
type AddApplicationInputInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	Input                       Input
}

// AddApplicationInput adds the streaming input (at most one).
func (s *Service) AddApplicationInput(ctx context.Context, in AddApplicationInputInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		if len(a.inputs) >= MaxInputs {
			return errorf(ErrLimitExceededException, "an application has at most %d streaming input", MaxInputs)
		}
		ai, err := a.newInput(in.Input)
		if err != nil {
			return err
		}
		a.inputs = append(a.inputs, ai)
		if _, err := parseCode(a.code); err != nil {
			a.inputs = a.inputs[:len(a.inputs)-1]
			return err
		}
		return nil
	})
}

// AddApplicationInputProcessingConfigurationInput is the input of
// [Service.AddApplicationInputProcessingConfiguration].
type AddApplicationInputProcessingConfigurationInput struct {
	ApplicationName              string
	CurrentApplicationVersionId  int64
	InputId                      string
	InputProcessingConfiguration InputProcessingConfiguration
}

// AddApplicationInputProcessingConfiguration sets an input's pre-processing
// function.
func (s *Service) AddApplicationInputProcessingConfiguration(ctx context.Context, in AddApplicationInputProcessingConfigurationInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		if err := validateProcessing(&in.InputProcessingConfiguration); err != nil {
			return err
		}
		ai := a.input(in.InputId)
		if ai == nil {
			return errorf(ErrResourceNotFoundException, "input %s not found", in.InputId)
		}
		p := in.InputProcessingConfiguration
		ai.cfg.InputProcessingConfiguration = &p
		return nil
	})
}

// DeleteApplicationInputProcessingConfigurationInput is the input of
// [Service.DeleteApplicationInputProcessingConfiguration].
type DeleteApplicationInputProcessingConfigurationInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	InputId                     string
}

// DeleteApplicationInputProcessingConfiguration removes an input's
// pre-processing function.
func (s *Service) DeleteApplicationInputProcessingConfiguration(ctx context.Context, in DeleteApplicationInputProcessingConfigurationInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		ai := a.input(in.InputId)
		if ai == nil {
			return errorf(ErrResourceNotFoundException, "input %s not found", in.InputId)
		}
		ai.cfg.InputProcessingConfiguration = nil
		return nil
	})
}

func (a *Application) input(id string) *appInput {
	for _, in := range a.inputs {
		if in.id == id {
			return in
		}
	}
	return nil
}

// AddApplicationOutputInput is the input of [Service.AddApplicationOutput].
type AddApplicationOutputInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	Output                      Output
}

// AddApplicationOutput adds an output (at most three).
func (s *Service) AddApplicationOutput(ctx context.Context, in AddApplicationOutputInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		if len(a.outputs) >= MaxOutputs {
			return errorf(ErrLimitExceededException, "an application has at most %d outputs", MaxOutputs)
		}
		o, err := a.newOutput(in.Output)
		if err != nil {
			return err
		}
		a.outputs = append(a.outputs, o)
		return nil
	})
}

// DeleteApplicationOutputInput is the input of
// [Service.DeleteApplicationOutput].
type DeleteApplicationOutputInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	OutputId                    string
}

// DeleteApplicationOutput removes an output; records not yet delivered are
// dropped.
func (s *Service) DeleteApplicationOutput(ctx context.Context, in DeleteApplicationOutputInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		i := slices.IndexFunc(a.outputs, func(o *appOutput) bool { return o.id == in.OutputId })
		if i < 0 {
			return errorf(ErrResourceNotFoundException, "output %s not found", in.OutputId)
		}
		a.outputs = slices.Delete(a.outputs, i, i+1)
		return nil
	})
}

// AddApplicationReferenceDataSourceInput is the input of
// [Service.AddApplicationReferenceDataSource].
type AddApplicationReferenceDataSourceInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ReferenceDataSource         ReferenceDataSource
}

// AddApplicationReferenceDataSource adds a reference table (at most one);
// its object is read now and again at each start.
func (s *Service) AddApplicationReferenceDataSource(ctx context.Context, in AddApplicationReferenceDataSourceInput) error {
	data, err := s.getObject(ctx, in.ReferenceDataSource.S3ReferenceDataSource)
	if err != nil {
		return err
	}
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		if len(a.refs) >= MaxReferenceDataSources {
			return errorf(ErrLimitExceededException, "an application has at most %d reference data source", MaxReferenceDataSources)
		}
		r, err := a.newRef(in.ReferenceDataSource)
		if err != nil {
			return err
		}
		a.refs = append(a.refs, r)
		if a.refData == nil {
			a.refData = map[string][]byte{}
		}
		a.refData[r.id] = data
		return nil
	})
}

// DeleteApplicationReferenceDataSourceInput is the input of
// [Service.DeleteApplicationReferenceDataSource].
type DeleteApplicationReferenceDataSourceInput struct {
	ApplicationName             string
	CurrentApplicationVersionId int64
	ReferenceId                 string
}

// DeleteApplicationReferenceDataSource removes a reference table.
func (s *Service) DeleteApplicationReferenceDataSource(ctx context.Context, in DeleteApplicationReferenceDataSourceInput) error {
	return s.mutate(ctx, in.ApplicationName, in.CurrentApplicationVersionId, func(a *Application) error {
		i := slices.IndexFunc(a.refs, func(r *appRef) bool { return r.id == in.ReferenceId })
		if i < 0 {
			return errorf(ErrResourceNotFoundException, "reference data source %s not found", in.ReferenceId)
		}
		a.refs = slices.Delete(a.refs, i, i+1)
		return nil
	})
}

// StartApplicationInput is the input of [Service.StartApplication].
type StartApplicationInput struct {
	ApplicationName     string
	InputConfigurations []InputConfiguration
}

// StartApplication moves a READY application through STARTING to RUNNING.
// Each input starts at NOW, TRIM_HORIZON (the oldest retained record) or
// LAST_STOPPED_POINT. Code that does not compile is
// ErrCodeValidationException; an output naming an in-application stream
// the code does not create is ErrInvalidApplicationConfigurationException.
func (s *Service) StartApplication(ctx context.Context, in StartApplicationInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a, err := s.appByName(in.ApplicationName)
	if err != nil {
		return err
	}
	// Reference objects are read before the application is locked.
	a.mu.Lock()
	refs := slices.Clone(a.refs)
	a.mu.Unlock()
	refData := map[string][]byte{}
	for _, r := range refs {
		data, err := s.getObject(ctx, r.cfg.S3ReferenceDataSource)
		if err != nil {
			return errorf(ErrInvalidApplicationConfigurationException, "reference data source %s: %v", r.id, err)
		}
		refData[r.id] = data
	}
	a.mu.Lock()
	if a.status != StatusReady {
		a.mu.Unlock()
		return errorf(ErrResourceInUseException, "Application %s is %s, not READY", a.name, a.status)
	}
	if len(a.inputs) == 0 {
		a.mu.Unlock()
		return errorf(ErrInvalidApplicationConfigurationException, "Application %s has no input", a.name)
	}
	starts := map[string]*InputStartingPositionConfiguration{}
	for _, ic := range in.InputConfigurations {
		if a.input(ic.Id) == nil {
			a.mu.Unlock()
			return errorf(ErrResourceNotFoundException, "input %s not found", ic.Id)
		}
		switch p := ic.InputStartingPositionConfiguration.InputStartingPosition; p {
		case StartingPositionNow, StartingPositionTrimHorizon, StartingPositionLastStoppedPoint:
			c := ic.InputStartingPositionConfiguration
			starts[ic.Id] = &c
		default:
			a.mu.Unlock()
			return errorf(ErrInvalidArgumentException, "InputStartingPosition must be NOW, TRIM_HORIZON or LAST_STOPPED_POINT, found %q", p)
		}
	}
	for _, ai := range a.inputs {
		if starts[ai.id] == nil {
			a.mu.Unlock()
			return errorf(ErrInvalidArgumentException, "InputConfigurations must give a starting position for input %s", ai.id)
		}
	}
	e, err := a.buildEngine(a.code, refData)
	if err != nil {
		a.mu.Unlock()
		return err
	}
	for _, o := range a.outputs {
		st, ok := e.streams[o.cfg.Name]
		if !ok || st.table || st.source {
			a.mu.Unlock()
			return errorf(ErrInvalidApplicationConfigurationException,
				"output %s names in-application stream %q, which the application code does not create", o.id, o.cfg.Name)
		}
		if err := a.checkDestination(o); err != nil {
			a.mu.Unlock()
			return err
		}
	}
	for _, ai := range a.inputs {
		ai.start = starts[ai.id]
	}
	a.refData = refData
	a.beginLocked(StatusStarting, StatusRunning)
	a.mu.Unlock()
	return a.step(ctx)
}

func (a *Application) checkDestination(o *appOutput) error {
	switch {
	case o.cfg.LambdaOutput != nil:
		if _, ok := a.svc.function(o.cfg.LambdaOutput.ResourceARN); !ok {
			return errorf(ErrInvalidApplicationConfigurationException, "no function %s: register it with Service.RegisterFunction", o.cfg.LambdaOutput.ResourceARN)
		}
	case o.cfg.KinesisStreamsOutput != nil:
		if _, ok := a.svc.destination(o.cfg.KinesisStreamsOutput.ResourceARN); !ok {
			return errorf(ErrInvalidApplicationConfigurationException, "no stream %s: register it with Service.RegisterDestination", o.cfg.KinesisStreamsOutput.ResourceARN)
		}
	case o.cfg.KinesisFirehoseOutput != nil:
		if _, ok := a.svc.destination(o.cfg.KinesisFirehoseOutput.ResourceARN); !ok {
			return errorf(ErrInvalidApplicationConfigurationException, "no delivery stream %s: register it with Service.RegisterDestination", o.cfg.KinesisFirehoseOutput.ResourceARN)
		}
	}
	return nil
}

// StopApplicationInput is the input of [Service.StopApplication].
type StopApplicationInput struct {
	ApplicationName string
}

// StopApplication moves a RUNNING application through STOPPING to READY.
// Window state is discarded; the input position is kept for
// LAST_STOPPED_POINT.
func (s *Service) StopApplication(ctx context.Context, in StopApplicationInput) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	a, err := s.appByName(in.ApplicationName)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.status != StatusRunning {
		return errorf(ErrResourceInUseException, "Application %s is %s, not RUNNING", a.name, a.status)
	}
	a.stopEngineLocked()
	a.beginLocked(StatusStopping, StatusReady)
	return nil
}

func sortTags(ts []Tag) {
	slices.SortFunc(ts, func(a, b Tag) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
}
