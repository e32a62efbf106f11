# Runs the AWS CLI's own `aws cloudtrail validate-logs` code
# (awscli/customizations/cloudtrail/validation.py, as installed) over an
# objstore.Dir directory, with in-process fakes for S3 and ListPublicKeys, so
# TestValidationOutputMatchesAWSCLI can compare localwatch's report with the
# CLI's output byte for byte.
#
# usage: awscli_validate.py ROOT BUCKET TRAIL_ARN START END KEYS_JSON VERBOSE(0|1)
import sys, os, io, json, base64, datetime
from botocore.exceptions import ClientError
import awscli.customizations.cloudtrail.validation as V

root, bucket, arn, start, end, keysfile, verbose = sys.argv[1:8]

class Pages:
    def __init__(self, keys): self.keys = keys
    def search(self, expr): return iter(self.keys)

class Pag:
    def paginate(self, Bucket, Marker, Prefix):
        base = os.path.join(root, Bucket)
        keys = []
        for d, _, fs in os.walk(base):
            for f in fs:
                if f.startswith('.objstore-tmp-'): continue
                k = os.path.relpath(os.path.join(d, f), base).replace(os.sep, '/')
                if k.startswith(Prefix) and k > Marker: keys.append(k)
        return Pages(sorted(keys))

class S3:
    def get_paginator(self, name): return Pag()
    def get_object(self, Bucket, Key):
        p = os.path.join(root, Bucket, Key)
        if not os.path.exists(p):
            raise ClientError({'Error': {'Code': 'NoSuchKey', 'Message': 'The specified key does not exist.'}}, 'GetObject')
        meta = {}
        mp = os.path.join(root, '.metadata', Bucket, Key + '.json')
        if os.path.exists(mp): meta = json.load(open(mp))
        return {'Body': io.BytesIO(open(p, 'rb').read()), 'Metadata': meta}

class Provider:
    def get_client(self, bucket): return S3()

keys = json.load(open(keysfile))
class CT:
    def list_public_keys(self, StartTime, EndTime):
        return {'PublicKeyList': [k for k in keys
            if V.parse_date(k['ValidityStartTime']) <= EndTime and V.parse_date(k['ValidityEndTime']) >= StartTime]}

cmd = V.CloudTrailValidateLogs.__new__(V.CloudTrailValidateLogs)
cmd.__dict__.update(dict(trail_arn=arn, is_verbose=verbose == '1', s3_bucket=bucket, s3_prefix=None, account_id=None,
    _source_region='us-east-1', _valid_digests=0, _invalid_digests=0, _valid_backfill_digests=0, _invalid_backfill_digests=0,
    _valid_logs=0, _invalid_logs=0, _is_last_status_double_space=True, _found_start_time=None, _found_end_time=None))
cmd.start_time = V.normalize_date(V.parse_date(start))
cmd.end_time = V.normalize_date(V.parse_date(end))
cmd.s3_client_provider = Provider()
cmd.cloudtrail_client = CT()
cmd.organization_client = None
cmd._call()
