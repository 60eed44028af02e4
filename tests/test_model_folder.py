"""Safe loading: safetensors only, no pickles, configs validated."""

import json
import shutil

import pytest

from stance.classifier import Classifier
from stance.model import ModelFolderError, StanceModel


def copy(src, dst):
    shutil.copytree(src, dst)
    return dst


def test_pickle_only_folder_is_refused(tiny_model, tmp_path):
    folder = copy(tiny_model, tmp_path / "m")
    (folder / "model.safetensors").unlink()
    (folder / "pytorch_model.bin").write_bytes(b"not really a pickle")
    with pytest.raises(ModelFolderError, match="holds only pickle weights .*never unpickles"):
        StanceModel.load(folder)


def test_foreign_config_is_refused(tiny_model, tiny_base, tmp_path):
    with pytest.raises(ModelFolderError, match="not a stance model config"):
        StanceModel.load(tiny_base)
    folder = copy(tiny_model, tmp_path / "m")
    config = json.loads((folder / "config.json").read_text())
    config["relation_labels"] = ["none", "positive", "negative", "neutral"]
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFolderError, match="relation_labels .* do not match"):
        StanceModel.load(folder)


def test_corrupt_weights_and_config(tiny_model, tmp_path):
    folder = copy(tiny_model, tmp_path / "m")
    (folder / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(ModelFolderError, match="not a valid safetensors file"):
        StanceModel.load(folder)
    (folder / "config.json").write_text("{broken")
    with pytest.raises(ModelFolderError, match="not a readable JSON config"):
        StanceModel.load(folder)


def test_missing_folder_and_bad_path_type(tmp_path):
    with pytest.raises(ModelFolderError, match="does not exist"):
        Classifier.from_pretrained(tmp_path / "nothing")
    with pytest.raises(TypeError, match="path must be a str or Path, got int"):
        Classifier.from_pretrained(3)


def test_remote_code_is_never_trusted():
    import inspect

    from stance import classifier, model

    for module in (classifier, model):
        assert "trust_remote_code=True" not in inspect.getsource(module)
