"""The Kubernetes manifests, rendered by kustomize and validated offline.

Each of base, overlays/dev and overlays/cloud is rendered with `kubectl kustomize`; every
Kubernetes object is validated strictly against the API schemas of `kubernetes-validate`
(KEDA's custom resources, which those schemas do not know, against the fields KEDA documents).
Then the invariants a platform engineer relies on are checked on the rendered output.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from cli.main import parser
from infra.settings import Settings
from tests.system.deploy.compose_file import ROOT

K8S = ROOT / "deploy" / "k8s"
LAYERS = ["base", "overlays/dev", "overlays/cloud"]
KUBERNETES_VERSION = "1.33.0"
PROCESSES = {"claims-api": ["api"], "claims-worker": ["worker", "--queue", "claims"]}
PROCESSES["claims-llm-worker"] = ["worker", "--queue", "llm"]
WORKERS = {"claims-worker": "claims", "claims-llm-worker": "llm"}
# What KEDA's Temporal scaler reads (keda.sh/docs/2.18/scalers/temporal).
TEMPORAL_TRIGGER_FIELDS = {
    "endpoint",
    "endpointFromEnv",
    "namespace",
    "taskQueue",
    "queueTypes",
    "targetQueueSize",
    "activationTargetQueueSize",
    "workerDeploymentName",
    "workerDeploymentBuildId",
    "minConnectTimeout",
    "unsafeSsl",
    "tlsServerName",
    "enableTLS",
}


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        # No registry here offers a kubectl with kustomize v5 (Debian's is 1.20), so .ci/run
        # cannot install one; CI's machine has kubectl 1.32. Without it: one line, not a failure.
        pytest.skip("no kubectl (1.27+, with kustomize v5): manifests rendered where one is")
    return found


def render(layer: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        [kubectl(), "kustomize", str(K8S / layer)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc]


@pytest.fixture(scope="module", params=LAYERS)
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    return request.param, render(request.param)


def of_kind(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def container(workload: dict[str, Any]) -> dict[str, Any]:
    [only] = pod_spec(workload)["containers"]
    result: dict[str, Any] = only
    return result


def environment(objects: list[dict[str, Any]], workload: dict[str, Any]) -> dict[str, Any]:
    """The container's environment: its ConfigMaps' data, then its own env entries."""
    configs = of_kind(objects, "ConfigMap")
    env: dict[str, Any] = {}
    for source in container(workload).get("envFrom", []):
        env |= configs[source["configMapRef"]["name"]]["data"]
    for entry in container(workload).get("env", []):
        env[entry["name"]] = entry.get("value", entry.get("valueFrom"))
    return env


def test_every_object_is_valid_against_the_kubernetes_schemas(rendered):
    layer, objects = rendered
    print(f"\n{layer}: ", end="")
    for obj in objects:
        if obj["apiVersion"].startswith("keda.sh/"):
            continue
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        print(f"{obj['kind']}/{obj['metadata']['name']} valid", end="; ")


def test_the_schema_check_catches_a_misspelt_field(rendered):
    _, objects = rendered
    deployment = yaml.safe_load(yaml.safe_dump(of_kind(objects, "Deployment")["claims-api"]))
    pod_spec(deployment)["terminationGracePeriod"] = 30
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_a_deployment_per_process_with_probes_and_a_valid_command(rendered):
    _, objects = rendered
    deployments = of_kind(objects, "Deployment")
    assert set(deployments) == set(PROCESSES)
    for name, args in PROCESSES.items():
        main = container(deployments[name])
        assert main["args"] == args
        parser().parse_args(main["args"])
        assert "readinessProbe" in main, name
        assert "livenessProbe" in main, name
    worker = container(deployments["claims-worker"])
    assert worker["readinessProbe"]["exec"]["command"] == ["claims", "healthcheck"]
    assert worker["livenessProbe"]["exec"]["command"] == ["claims", "healthcheck", "--live"]
    api = container(deployments["claims-api"])
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_one_image_for_every_process_and_the_migration_job(rendered):
    _, objects = rendered
    workloads = [*of_kind(objects, "Deployment").values(), *of_kind(objects, "Job").values()]
    assert len({container(w)["image"] for w in workloads}) == 1
    [job] = of_kind(objects, "Job").values()
    assert container(job)["args"] == ["migrate"]
    assert pod_spec(job)["restartPolicy"] == "OnFailure"


def test_grace_periods_outlast_the_graceful_shutdown(rendered):
    _, objects = rendered
    for name in WORKERS:
        worker = of_kind(objects, "Deployment")[name]
        graceful = float(environment(objects, worker)["CLAIMS_WORKER_GRACEFUL_SHUTDOWN_S"])
        assert pod_spec(worker)["terminationGracePeriodSeconds"] >= graceful + 10, name
    llm = environment(objects, of_kind(objects, "Deployment")["claims-llm-worker"])
    assert float(llm["CLAIMS_WORKER_GRACEFUL_SHUTDOWN_S"]) > float(llm["CLAIMS_LLM_TIMEOUT_S"])


def test_every_pod_runs_non_root_on_a_read_only_root_filesystem(rendered):
    _, objects = rendered
    for workload in [*of_kind(objects, "Deployment").values(), *of_kind(objects, "Job").values()]:
        pod = pod_spec(workload)
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001  # the image's user
        main = container(workload)
        assert main["securityContext"]["readOnlyRootFilesystem"] is True
        assert main["securityContext"]["allowPrivilegeEscalation"] is False
        assert main["securityContext"]["capabilities"]["drop"] == ["ALL"]
        # The only writable place: /tmp (the image's WORKDIR and the worker heartbeat).
        assert main["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]
        assert pod["volumes"] == [{"name": "tmp", "emptyDir": {}}]


def test_secrets_are_referenced_never_written_down(rendered):
    _, objects = rendered
    assert not of_kind(objects, "Secret")
    known = {f"CLAIMS_{name.upper()}" for name in Settings.model_fields}
    secret = {"CLAIMS_API_KEYS", "CLAIMS_ENCRYPTION_KEYS", "CLAIMS_DATABASE_URL"}
    secret |= {"CLAIMS_LLM_API_KEY", "TEMPORAL_API_KEY"}
    for config in of_kind(objects, "ConfigMap").values():
        assert not secret & set(config["data"])
        assert {k for k in config["data"] if k.startswith("CLAIMS_")} <= known
    for name, workload in of_kind(objects, "Deployment").items():
        env = environment(objects, workload)
        for key in secret & set(env):
            assert env[key]["secretKeyRef"]["name"] == "claims-secrets", (name, key)
        # The model's key reaches the llm worker alone.
        assert ("CLAIMS_LLM_API_KEY" in env) is (name == "claims-llm-worker")
    assert "CLAIMS_API_KEYS" in environment(objects, of_kind(objects, "Deployment")["claims-api"])


def test_metrics_are_scraped_where_they_are_served(rendered):
    _, objects = rendered
    for name, workload in of_kind(objects, "Deployment").items():
        annotations = workload["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        ports = {p["containerPort"] for p in container(workload)["ports"]}
        assert int(annotations["prometheus.io/port"]) in ports, name
        if name in WORKERS:
            env = environment(objects, workload)
            assert env["CLAIMS_WORKER_METRICS_PORT"] == annotations["prometheus.io/port"]
            assert env["CLAIMS_WORKER_METRICS_HOST"] == "0.0.0.0"


def test_every_deployment_has_a_disruption_budget(rendered):
    _, objects = rendered
    budgets = of_kind(objects, "PodDisruptionBudget").values()
    selected = {b["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for b in budgets}
    for workload in of_kind(objects, "Deployment").values():
        assert workload["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] in selected


def test_workers_scale_on_their_task_queue_backlog_with_keda(rendered):
    _, objects = rendered
    scaled = of_kind(objects, "ScaledObject")
    deployments = of_kind(objects, "Deployment")
    assert {s["spec"]["scaleTargetRef"]["name"] for s in scaled.values()} == set(WORKERS)
    for scaler in scaled.values():
        assert scaler["apiVersion"] == "keda.sh/v1alpha1"
        target = deployments[scaler["spec"]["scaleTargetRef"]["name"]]
        # KEDA owns the replicas: a fixed count would fight it on every apply.
        assert "replicas" not in target["spec"]
        [trigger] = scaler["spec"]["triggers"]
        assert trigger["type"] == "temporal"  # backlog, not CPU
        metadata = trigger["metadata"]
        assert set(metadata) <= TEMPORAL_TRIGGER_FIELDS
        env = environment(objects, target)
        queue = WORKERS[target["metadata"]["name"]]
        expected_queue = env["CLAIMS_TASK_QUEUE" if queue == "claims" else "CLAIMS_LLM_TASK_QUEUE"]
        assert metadata["taskQueue"] == expected_queue
        assert metadata["namespace"] == env["TEMPORAL_NAMESPACE"]
        assert metadata["endpointFromEnv"] in env
        assert int(metadata["targetQueueSize"]) > 0
        assert 1 <= scaler["spec"]["minReplicaCount"] <= scaler["spec"]["maxReplicaCount"]
    assert Settings.model_fields["task_queue"].default == "claims"
    assert Settings.model_fields["llm_task_queue"].default == "claims-llm"


def test_temporal_cloud_overlay_uses_tls_with_the_api_key():
    objects = render("overlays/cloud")
    config = of_kind(objects, "ConfigMap")["claims-config"]["data"]
    assert config["TEMPORAL_ADDRESS"].endswith(".tmprl.cloud:7233")
    assert config["CLAIMS_TEMPORAL_ALLOW_PLAINTEXT"] == "false"
    [auth] = of_kind(objects, "TriggerAuthentication").values()
    assert auth["spec"]["secretTargetRef"][0]["parameter"] == "apiKey"
    for scaler in of_kind(objects, "ScaledObject").values():
        [trigger] = scaler["spec"]["triggers"]
        assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
        assert trigger["metadata"]["enableTLS"] == "true"
        assert trigger["metadata"]["namespace"] == config["TEMPORAL_NAMESPACE"]


def test_the_base_default_is_temporals_helm_chart_in_the_cluster():
    config = of_kind(render("base"), "ConfigMap")["claims-config"]["data"]
    assert config["TEMPORAL_ADDRESS"] == "temporal-frontend.temporal.svc.cluster.local:7233"


def test_manifests_are_the_files_the_deploying_guide_names():
    readme = (ROOT / "docs" / "deploying.md").read_text()
    for layer in LAYERS:
        assert (K8S / layer / "kustomization.yaml").exists()
        assert f"deploy/k8s/{layer}" in readme, layer
    assert Path(K8S / "base" / "autoscaling.yaml").exists()


def _yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def _base_image() -> tuple[str, str]:
    [image] = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())["images"]
    return image["newName"], str(image["newTag"])


def test_the_claims_worker_joins_its_deployment_under_the_image_tag():
    """Read as written (no kubectl needed): the build id is the tag the image is released as."""
    _, tag = _base_image()
    [worker] = _yaml(K8S / "base" / "claims-worker.yaml")
    env = {e["name"]: e.get("value") for e in container(worker)["env"]}
    assert env["CLAIMS_BUILD_ID"] == tag
    assert env["CLAIMS_DEPLOYMENT_NAME"] == "claims"
    scalers = {o["metadata"]["name"]: o for o in _yaml(K8S / "base" / "autoscaling.yaml")}
    [trigger] = scalers["claims-worker"]["spec"]["triggers"]
    assert trigger["metadata"]["workerDeploymentName"] == env["CLAIMS_DEPLOYMENT_NAME"]
    assert trigger["metadata"]["workerDeploymentBuildId"] == tag
    # The dev overlay's own tag is its build id too: its patch replaces exactly that entry.
    dev = yaml.safe_load((K8S / "overlays" / "dev" / "kustomization.yaml").read_text())
    [dev_image] = dev["images"]
    replaced = {
        op["path"]: op["value"]
        for patch in dev["patches"]
        for op in yaml.safe_load(patch["patch"])
        if patch["target"].get("name") == "claims-worker"
    }
    assert container(worker)["env"][2]["name"] == "CLAIMS_BUILD_ID"
    assert replaced["/spec/template/spec/containers/0/env/2/value"] == dev_image["newTag"]
    assert replaced["/spec/triggers/0/metadata/workerDeploymentBuildId"] == dev_image["newTag"]


def test_the_worker_controller_overlay_runs_the_same_worker_as_a_progressive_rollout():
    overlay = K8S / "overlays" / "worker-controller"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    assert "../../base" in kustomization["resources"]
    deleted = {
        p["target"]["kind"] for p in kustomization["patches"] if "$patch: delete" in p["patch"]
    }
    assert deleted == {"Deployment", "ScaledObject"}  # the controller owns them now
    [connection] = _yaml(overlay / "connection.yaml")
    [managed] = _yaml(overlay / "worker-deployment.yaml")
    assert (managed["apiVersion"], managed["kind"]) == ("temporal.io/v1alpha1", "WorkerDeployment")
    assert connection["kind"] == "Connection"
    assert managed["spec"]["workerOptions"]["connection"] == connection["metadata"]["name"]
    rollout = managed["spec"]["rollout"]
    assert rollout["strategy"] == "Progressive"
    ramps = [step["rampPercentage"] for step in rollout["steps"]]
    assert ramps == sorted(ramps)
    assert ramps[-1] < 100
    # The same process as the base's worker; the controller names the build, not the pod.
    [base] = _yaml(K8S / "base" / "claims-worker.yaml")
    ours = container(managed)
    assert ours["args"] == container(base)["args"]
    assert ours["image"] == ":".join(_base_image())
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in ours["env"]}
    assert env["CLAIMS_BUILD_PROMOTION"] == "never"
    assert "CLAIMS_BUILD_ID" not in env
    assert "CLAIMS_DEPLOYMENT_NAME" not in env
    base_secrets = {e["name"] for e in container(base)["env"] if "valueFrom" in e}
    assert base_secrets <= set(env)
    assert pod_spec(managed)["terminationGracePeriodSeconds"] >= 40


def test_the_worker_controller_overlay_renders_valid_objects_and_owns_the_claims_worker():
    objects = render("overlays/worker-controller")
    assert "claims-worker" not in of_kind(objects, "Deployment")
    assert set(of_kind(objects, "ScaledObject")) == {"claims-llm-worker"}
    [managed] = of_kind(objects, "WorkerDeployment").values()
    for obj in objects:
        if obj["apiVersion"].startswith(("keda.sh/", "temporal.io/")):
            continue
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    # The controller makes a Deployment of each build from this template: it must be a valid one.
    labels = managed["spec"]["template"]["metadata"]["labels"]
    as_deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "claims-worker-build"},
        "spec": {"selector": {"matchLabels": labels}, "template": managed["spec"]["template"]},
    }
    kubernetes_validate.validate(as_deployment, KUBERNETES_VERSION, strict=True)
    [budget] = [
        b
        for b in of_kind(objects, "PodDisruptionBudget").values()
        if b["metadata"]["name"] == "claims-worker"
    ]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
