"""``python -m crossdock.config.jobs > config/job.schema.json``: print the job JSON Schema."""

import json
import sys

from ._schema import job_json_schema

sys.stdout.write(json.dumps(job_json_schema(), indent=2) + "\n")
