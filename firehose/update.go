package firehose

import (
	"context"
	"reflect"
)

// UpdateDestinationInput is the input of [Service.UpdateDestination].
// Exactly one of the update fields must be set. An update of the
// destination's own type is merged into the current configuration (fields
// left zero keep their values); an update to another type replaces it and
// must be complete. (AWS has separate *DestinationUpdate types whose
// fields are all optional; sluice reuses the configuration types.)
type UpdateDestinationInput struct {
	DeliveryStreamName string
	// CurrentDeliveryStreamVersionId must be the stream's VersionId.
	CurrentDeliveryStreamVersionId string
	// DestinationId must be destinationId-000000000001.
	DestinationId string

	S3DestinationUpdate                         *S3DestinationConfiguration
	ExtendedS3DestinationUpdate                 *ExtendedS3DestinationConfiguration
	RedshiftDestinationUpdate                   *RedshiftDestinationConfiguration
	ElasticsearchDestinationUpdate              *OpenSearchDestinationConfiguration
	AmazonopensearchserviceDestinationUpdate    *OpenSearchDestinationConfiguration
	AmazonOpenSearchServerlessDestinationUpdate *OpenSearchDestinationConfiguration
	SplunkDestinationUpdate                     *SplunkDestinationConfiguration
	HttpEndpointDestinationUpdate               *HttpEndpointDestinationConfiguration
	SnowflakeDestinationUpdate                  *SnowflakeDestinationConfiguration
	IcebergDestinationUpdate                    *IcebergDestinationConfiguration
}

func (in UpdateDestinationInput) updates() []destSet {
	return createDestinations(CreateDeliveryStreamInput{
		S3DestinationConfiguration:                         in.S3DestinationUpdate,
		ExtendedS3DestinationConfiguration:                 in.ExtendedS3DestinationUpdate,
		RedshiftDestinationConfiguration:                   in.RedshiftDestinationUpdate,
		ElasticsearchDestinationConfiguration:              in.ElasticsearchDestinationUpdate,
		AmazonopensearchserviceDestinationConfiguration:    in.AmazonopensearchserviceDestinationUpdate,
		AmazonOpenSearchServerlessDestinationConfiguration: in.AmazonOpenSearchServerlessDestinationUpdate,
		SplunkDestinationConfiguration:                     in.SplunkDestinationUpdate,
		HttpEndpointDestinationConfiguration:               in.HttpEndpointDestinationUpdate,
		SnowflakeDestinationConfiguration:                  in.SnowflakeDestinationUpdate,
		IcebergDestinationConfiguration:                    in.IcebergDestinationUpdate,
	})
}

// UpdateDestination changes the destination's configuration and bumps the
// VersionId, which the names of later objects carry. Records already
// buffered are flushed with the old configuration first.
func (s *Service) UpdateDestination(ctx context.Context, in UpdateDestinationInput) error {
	ups := in.updates()
	if len(ups) != 1 {
		return errArg("Exactly one destination update is required.")
	}
	if in.CurrentDeliveryStreamVersionId == "" {
		return errValidation("currentDeliveryStreamVersionId", "null", "Member must not be null")
	}
	d, err := s.get(ctx, in.DeliveryStreamName)
	if err != nil {
		return err
	}
	d.mu.Lock()
	now := d.mono.Now(s.cfg.clock)
	if d.stopped {
		d.mu.Unlock()
		return s.errNotFound(in.DeliveryStreamName)
	}
	if in.DestinationId != DestinationID {
		d.mu.Unlock()
		return errorf(ErrInvalidArgumentException, "Destination Id %s not found for Firehose %s.", in.DestinationId, d.name)
	}
	if in.CurrentDeliveryStreamVersionId != itoa(d.version) {
		d.mu.Unlock()
		return errorf(ErrConcurrentModificationException,
			"Cannot update firehose: %s since the current version id: %d and specified version id: %s do not match",
			d.name, d.version, in.CurrentDeliveryStreamVersionId)
	}
	if st := d.statusLocked(now); st != StatusActive {
		d.mu.Unlock()
		return errorf(ErrResourceInUseException, "Firehose %s is not in the ACTIVE state.", d.name)
	}
	next, err := d.dest.updated(ups[0])
	if err != nil {
		d.mu.Unlock()
		return err
	}
	jobs := d.catchUpLocked(now)
	for _, b := range d.buffers {
		jobs = append(jobs, d.flushLocked(b, now))
	}
	d.dest = next
	d.version++
	d.updatedAt = now
	d.armLocked(now)
	d.mu.Unlock()
	d.run(jobs)
	return nil
}

func isOpenSearch(k destKind) bool {
	return k == kindElasticsearch || k == kindOpenSearch || k == kindOpenSearchServerless
}

// updated returns the destination an update leads to.
func (c *destination) updated(up destSet) (*destination, error) {
	kind, cfg := up.kind, up.cfg
	if isOpenSearch(c.kind) && kind != c.kind {
		return nil, errArg("A delivery stream with an OpenSearch destination can only be updated to the same destination type.")
	}
	switch {
	case kind == c.kind && kind == kindS3:
		merged := clone(c.plainS3)
		merge(merged, cfg)
		cfg = merged
	case kind == kindS3 && c.kind == kindExtendedS3, kind == kindExtendedS3 && (c.kind == kindS3 || c.kind == kindExtendedS3):
		merged := clone(c.ext)
		if kind == kindS3 {
			u := cfg.(*S3DestinationConfiguration)
			merge(merged, &ExtendedS3DestinationConfiguration{RoleARN: u.RoleARN, BucketARN: u.BucketARN, Prefix: u.Prefix,
				ErrorOutputPrefix: u.ErrorOutputPrefix, BufferingHints: u.BufferingHints, CompressionFormat: u.CompressionFormat,
				EncryptionConfiguration: u.EncryptionConfiguration, CloudWatchLoggingOptions: u.CloudWatchLoggingOptions})
		} else {
			merge(merged, cfg)
		}
		kind, cfg = kindExtendedS3, merged
	case kind == c.kind:
		var cur any
		switch kind {
		case kindRedshift:
			cur = clone(c.redshift)
		case kindElasticsearch, kindOpenSearch, kindOpenSearchServerless:
			cur = clone(c.os)
		case kindSplunk:
			cur = clone(c.splunk)
		case kindHTTP:
			cur = clone(c.http)
		case kindSnowflake:
			cur = clone(c.snowflake)
		case kindIceberg:
			cur = clone(c.iceberg)
		}
		merge(cur, cfg)
		cfg = cur
	}
	next, err := compile(kind, cfg)
	if err != nil {
		return nil, err
	}
	if next.partitioned != c.partitioned {
		if c.partitioned {
			return nil, errArg("Dynamic partitioning cannot be disabled once it is enabled.")
		}
		return nil, errArg("Dynamic partitioning can only be enabled when the delivery stream is created.")
	}
	if c.backupSource && !next.backupSource && (kind == kindExtendedS3 || kind == kindRedshift) && kind == c.kind {
		return nil, errArg("S3BackupMode cannot be changed from Enabled to Disabled.")
	}
	if c.kind == kindSplunk && kind == kindSplunk && c.backupAll && !next.backupAll {
		return nil, errArg("S3BackupMode can only be updated from FailedEventsOnly to AllEvents.")
	}
	return next, nil
}

// merge copies the non-zero fields of src into dst (pointers to the same
// struct type), merging nested structs field by field.
func merge(dst, src any) {
	mergeValue(reflect.ValueOf(dst).Elem(), reflect.ValueOf(src).Elem())
}

func mergeValue(dst, src reflect.Value) {
	for i := range src.NumField() {
		sf, df := src.Field(i), dst.Field(i)
		if sf.IsZero() {
			continue
		}
		if sf.Kind() == reflect.Pointer && sf.Elem().Kind() == reflect.Struct && !df.IsNil() {
			mergeValue(df.Elem(), sf.Elem())
			continue
		}
		df.Set(sf)
	}
}
