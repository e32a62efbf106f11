package logs

import (
	"context"

	"github.com/localwatch/localwatch/internal/event"
)

// PutDeliverySource creates or updates a delivery source: the AWS resource (ResourceArn) that sends logs of LogType. Tags are given only at creation; an update keeps the source's resource.
func (s *Service) PutDeliverySource(ctx context.Context, in PutDeliverySourceInput) (out *PutDeliverySourceOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "PutDeliverySource", ReadOnly: false, RequestParameters: in}, err)
	}()
	src, err := s.deliveries.putSource(s.region, s.account, in)
	if err != nil {
		return nil, err
	}
	return &PutDeliverySourceOutput{DeliverySource: src}, nil
}

// GetDeliverySource returns one delivery source.
func (s *Service) GetDeliverySource(ctx context.Context, in GetDeliverySourceInput) (out *GetDeliverySourceOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "GetDeliverySource", ReadOnly: true, RequestParameters: in}, err)
	}()
	src, err := s.deliveries.getSource(in.Name)
	if err != nil {
		return nil, err
	}
	return &GetDeliverySourceOutput{DeliverySource: src}, nil
}

// DescribeDeliverySources lists the delivery sources by name, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeDeliverySources(ctx context.Context, in DescribeDeliverySourcesInput) (out *DescribeDeliverySourcesOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "DescribeDeliverySources", ReadOnly: true, RequestParameters: in}, err)
	}()
	return s.deliveries.describeSources(in)
}

// DeleteDeliverySource deletes a delivery source; one that deliveries use cannot be deleted (ConflictException).
func (s *Service) DeleteDeliverySource(ctx context.Context, in DeleteDeliverySourceInput) (out *DeleteDeliverySourceOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "DeleteDeliverySource", ReadOnly: false, RequestParameters: in}, err)
	}()
	if err := s.deliveries.deleteSource(in.Name); err != nil {
		return nil, err
	}
	return &DeleteDeliverySourceOutput{}, nil
}

// PutDeliveryDestination creates or updates a delivery destination: an S3 bucket, log group or Firehose stream (its type derived from DestinationResourceArn) or X-Ray. Tags are given only at creation; an update keeps the output format.
func (s *Service) PutDeliveryDestination(ctx context.Context, in PutDeliveryDestinationInput) (out *PutDeliveryDestinationOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "PutDeliveryDestination", ReadOnly: false, RequestParameters: in}, err)
	}()
	d, err := s.deliveries.putDestination(s.region, s.account, in)
	if err != nil {
		return nil, err
	}
	return &PutDeliveryDestinationOutput{DeliveryDestination: d}, nil
}

// GetDeliveryDestination returns one delivery destination.
func (s *Service) GetDeliveryDestination(ctx context.Context, in GetDeliveryDestinationInput) (out *GetDeliveryDestinationOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "GetDeliveryDestination", ReadOnly: true, RequestParameters: in}, err)
	}()
	d, err := s.deliveries.getDestination(in.Name)
	if err != nil {
		return nil, err
	}
	return &GetDeliveryDestinationOutput{DeliveryDestination: d}, nil
}

// DescribeDeliveryDestinations lists the delivery destinations by name, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeDeliveryDestinations(ctx context.Context, in DescribeDeliveryDestinationsInput) (out *DescribeDeliveryDestinationsOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "DescribeDeliveryDestinations", ReadOnly: true, RequestParameters: in}, err)
	}()
	return s.deliveries.describeDestinations(in)
}

// DeleteDeliveryDestination deletes a delivery destination; one that deliveries use cannot be deleted (ConflictException).
func (s *Service) DeleteDeliveryDestination(ctx context.Context, in DeleteDeliveryDestinationInput) (out *DeleteDeliveryDestinationOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "DeleteDeliveryDestination", ReadOnly: false, RequestParameters: in}, err)
	}()
	if err := s.deliveries.deleteDestination(in.Name); err != nil {
		return nil, err
	}
	return &DeleteDeliveryDestinationOutput{}, nil
}

// PutDeliveryDestinationPolicy sets the IAM policy (a JSON document of up to 51,200 bytes) that lets other accounts' delivery sources deliver to the destination.
func (s *Service) PutDeliveryDestinationPolicy(ctx context.Context, in PutDeliveryDestinationPolicyInput) (out *PutDeliveryDestinationPolicyOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "PutDeliveryDestinationPolicy", ReadOnly: false, RequestParameters: in}, err)
	}()
	p, err := s.deliveries.putPolicy(in)
	if err != nil {
		return nil, err
	}
	return &PutDeliveryDestinationPolicyOutput{Policy: p}, nil
}

// GetDeliveryDestinationPolicy returns a delivery destination's policy (empty when none is set).
func (s *Service) GetDeliveryDestinationPolicy(ctx context.Context, in GetDeliveryDestinationPolicyInput) (out *GetDeliveryDestinationPolicyOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "GetDeliveryDestinationPolicy", ReadOnly: true, RequestParameters: in}, err)
	}()
	p, err := s.deliveries.getPolicy(in.DeliveryDestinationName)
	if err != nil {
		return nil, err
	}
	return &GetDeliveryDestinationPolicyOutput{Policy: p}, nil
}

// DeleteDeliveryDestinationPolicy removes a delivery destination's policy.
func (s *Service) DeleteDeliveryDestinationPolicy(ctx context.Context, in DeleteDeliveryDestinationPolicyInput) (out *DeleteDeliveryDestinationPolicyOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "DeleteDeliveryDestinationPolicy", ReadOnly: false, RequestParameters: in}, err)
	}()
	if err := s.deliveries.deletePolicy(in.DeliveryDestinationName); err != nil {
		return nil, err
	}
	return &DeleteDeliveryDestinationPolicyOutput{}, nil
}

// CreateDelivery connects a delivery source to a delivery destination of this account and Region. A source delivers at most once to each destination type (ConflictException).
func (s *Service) CreateDelivery(ctx context.Context, in CreateDeliveryInput) (out *CreateDeliveryOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() { s.record(ctx, event.Call{Name: "CreateDelivery", ReadOnly: false, RequestParameters: in}, err) }()
	d, err := s.deliveries.create(s.region, s.account, s.ids, in)
	if err != nil {
		return nil, err
	}
	return &CreateDeliveryOutput{Delivery: d}, nil
}

// GetDelivery returns one delivery by its ID.
func (s *Service) GetDelivery(ctx context.Context, in GetDeliveryInput) (out *GetDeliveryOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() { s.record(ctx, event.Call{Name: "GetDelivery", ReadOnly: true, RequestParameters: in}, err) }()
	d, err := s.deliveries.get(in.ID)
	if err != nil {
		return nil, err
	}
	return &GetDeliveryOutput{Delivery: d}, nil
}

// DescribeDeliveries lists the deliveries in creation order, up to Limit (1-50, default 50) per page.
func (s *Service) DescribeDeliveries(ctx context.Context, in DescribeDeliveriesInput) (out *DescribeDeliveriesOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "DescribeDeliveries", ReadOnly: true, RequestParameters: in}, err)
	}()
	return s.deliveries.describe(in)
}

// UpdateDeliveryConfiguration changes a delivery's record fields, field delimiter or S3 configuration; its source and destination cannot change.
func (s *Service) UpdateDeliveryConfiguration(ctx context.Context, in UpdateDeliveryConfigurationInput) (out *UpdateDeliveryConfigurationOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() {
		s.record(ctx, event.Call{Name: "UpdateDeliveryConfiguration", ReadOnly: false, RequestParameters: in}, err)
	}()
	if err := s.deliveries.update(in); err != nil {
		return nil, err
	}
	return &UpdateDeliveryConfigurationOutput{}, nil
}

// DeleteDelivery deletes a delivery (not its source or destination).
func (s *Service) DeleteDelivery(ctx context.Context, in DeleteDeliveryInput) (out *DeleteDeliveryOutput, err error) {
	ctx = orBackground(ctx)
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	defer func() { s.record(ctx, event.Call{Name: "DeleteDelivery", ReadOnly: false, RequestParameters: in}, err) }()
	if err := s.deliveries.deleteDelivery(in.ID); err != nil {
		return nil, err
	}
	return &DeleteDeliveryOutput{}, nil
}
