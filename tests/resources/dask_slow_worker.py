"""A Dask worker preload for the fault tests: each batch takes at least SLOW_S seconds on this worker, so a test
can kill the scheduler (or the worker) while batches are still being computed. Results are unchanged."""

import os
import time

SLOW_S = float(os.environ.get("STORYLINE_TEST_SLOW_BATCH_S", "1.0"))


def dask_setup(worker):
    import storyline.model_outputs as runner

    original = runner.compute_batch_outputs

    def slow(*args, **kwargs):
        time.sleep(SLOW_S)
        return original(*args, **kwargs)

    runner.compute_batch_outputs = slow
