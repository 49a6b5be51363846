"""Plausible wrong answers for notebook 10-capstone (format: see tests/wrong_answers/__init__.py)."""

_ARCH = "architectures"
_ARCH_LOSES = {"test_architectures"}
_SUMMARY = "history_summary"
_SUMMARY_LOSES = {"test_history_summary"}
_TRAIN = "train_and_time"
_TRAIN_LOSES = {"test_train_and_time"}
_TABLE = "comparison_table"
_TABLE_LOSES = {"test_comparison_table"}
_PLOT = "plot_runs"
_PLOT_LOSES = {"test_plot_runs"}

_DEEP_BLOCKS = 'conv_block(hidden, filters, 2, f"block{block}", batch_norm=True)'
_SHALLOW_OUT = (
    'keras.layers.Dense(2, activation="softmax", name="classes")(hidden), name="shallow")'
)
_MEDIUM_OUT = 'keras.layers.Dense(2, activation="softmax", name="classes")(hidden), name="medium")'
_BEST = 'best = int(np.argmin(logs["val_loss"]))'
_FIT = (
    "history = training.fit(model, train, validation, epochs=epochs, patience=epochs, "
    "callbacks=[clock])"
)
_SUMMARY_CALL = 'summary = summarise(run["history"])'
_MEDIAN = '"seconds_per_epoch": float(statistics.median(clock.seconds))'
_PLOT_CALL = (
    "axis.plot(np.arange(1, len(values) + 1), values, style, color=colour, "
    "label=f\"{run['name']} {part}\")"
)

CASES = [
    # ---- Exercise 1: the three architectures
    {  # "capstone depths not increasing": two convolutions per block forgotten in deep
        "name": "architectures: deep as deep as medium (one convolution per block)",
        "cell": _ARCH,
        "find": _DEEP_BLOCKS,
        "replace": 'hidden = conv_block(hidden, filters, 1, f"block{block}")',
        "loses": _ARCH_LOSES,
    },
    {  # a third block makes the shallow model as deep as a medium one
        "name": "architectures: shallow with three blocks (depth 5)",
        "cell": _ARCH,
        "find": "enumerate((32, 64), start=1)",
        "replace": "enumerate((32, 64, 64), start=1)",
        "loses": _ARCH_LOSES,
    },
    {  # 2 x 2 pooling under a Flatten head: the dense layer's input is 37 x 37 x 64 at 150 x 150
        "name": "architectures: shallow pools 2 x 2 (Flatten head over the budget)",
        "cell": _ARCH,
        "find": "batch_norm=True, pool=4)",
        "replace": "batch_norm=True)",
        "loses": _ARCH_LOSES,
    },
    {  # the lecture notes' binary head: one sigmoid unit
        "name": "architectures: shallow ends with Dense(1, sigmoid)",
        "cell": _ARCH,
        "find": _SHALLOW_OUT,
        "replace": 'keras.layers.Dense(1, activation="sigmoid", name="classes")(hidden), name="shallow")',
        "loses": _ARCH_LOSES,
    },
    {  # logits, not probabilities
        "name": "architectures: medium's last Dense without softmax",
        "cell": _ARCH,
        "find": _MEDIUM_OUT,
        "replace": 'keras.layers.Dense(2, name="classes")(hidden), name="medium")',
        "loses": _ARCH_LOSES,
    },
    {  # the input size written in, not taken from input_shape
        "name": "architectures: built for 150 x 150 x 3 whatever input_shape says",
        "cell": _ARCH,
        "find": 'image_input = keras.Input(shape=input_shape, name="image")',
        "replace": 'image_input = keras.Input(shape=(150, 150, 3), name="image")',
        "loses": _ARCH_LOSES,
    },
    {  # pixels in [0, 255] fed straight into the convolutions
        "name": "architectures: shallow without Rescaling",
        "cell": _ARCH,
        "find": (
            'hidden = keras.layers.Rescaling(1 / 255, name="rescale")(image_input)\n'
            "    for block, filters in enumerate((32, 64), start=1):"
        ),
        "replace": "hidden = image_input\n    for block, filters in enumerate((32, 64), start=1):",
        "loses": _ARCH_LOSES,
    },
    {  # a name that is not the one asked for
        "name": "architectures: medium named 'Medium'",
        "cell": _ARCH,
        "find": 'name="medium")',
        "replace": 'name="Medium")',
        "loses": _ARCH_LOSES,
    },
    {  # blind review: a layer made once and reused, so every model shares its weights
        "name": "architectures: shallow's output layer cached on the function and reused",
        "cell": _ARCH,
        "find": _SHALLOW_OUT,
        "replace": (
            'shallow_cnn.__dict__.setdefault("head", keras.layers.Dense(2, activation="softmax", '
            'name="classes"))(hidden), name="shallow")'
        ),
        "loses": _ARCH_LOSES,
    },
    # ---- Exercise 2: history_summary
    {  # the epoch of the best validation accuracy, not the one fit restored
        "name": "history_summary: best epoch by the highest val_accuracy",
        "cell": _SUMMARY,
        "find": _BEST,
        "replace": 'best = int(np.argmax(logs["val_accuracy"]))',
        "loses": _SUMMARY_LOSES,
    },
    {  # Python's index, not the epoch's number
        "name": "history_summary: best_epoch counted from 0",
        "cell": _SUMMARY,
        "find": '"best_epoch": best + 1',
        "replace": '"best_epoch": best',
        "loses": _SUMMARY_LOSES,
    },
    {  # ties resolved towards the later epoch
        "name": "history_summary: the last of equal minima",
        "cell": _SUMMARY,
        "find": _BEST,
        "replace": 'best = len(logs["val_loss"]) - 1 - int(np.argmin(logs["val_loss"][::-1]))',
        "loses": _SUMMARY_LOSES,
    },
    {  # "the gap" taken as a distance
        "name": "history_summary: gap as an absolute value",
        "cell": _SUMMARY,
        "find": '"gap": train_acc - val_acc',
        "replace": '"gap": abs(train_acc - val_acc)',
        "loses": _SUMMARY_LOSES,
    },
    {  # validation minus training
        "name": "history_summary: gap as val - train",
        "cell": _SUMMARY,
        "find": '"gap": train_acc - val_acc',
        "replace": '"gap": val_acc - train_acc',
        "loses": _SUMMARY_LOSES,
    },
    {  # the final gap read at the best epoch
        "name": "history_summary: final_gap at the best epoch",
        "cell": _SUMMARY,
        "find": '"final_gap": float(logs["accuracy"][-1]) - float(logs["val_accuracy"][-1])',
        "replace": '"final_gap": train_acc - val_acc',
        "loses": _SUMMARY_LOSES,
    },
    {  # NumPy scalars left in the summary
        "name": "history_summary: NumPy values (no int()/float())",
        "cell": _SUMMARY,
        "find": (
            _BEST + "          # np.argmin returns the first of equal minima\n"
            '    train_acc, val_acc = float(logs["accuracy"][best]), float(logs["val_accuracy"][best])'
        ),
        "replace": (
            'best = np.argmin(logs["val_loss"])\n'
            '    train_acc, val_acc = logs["accuracy"][best], logs["val_accuracy"][best]'
        ),
        "loses": _SUMMARY_LOSES,
    },
    {  # a History object used as if it were the dict
        "name": "history_summary: only dicts (no .history)",
        "cell": _SUMMARY,
        "find": 'logs = history.history if hasattr(history, "history") else history',
        "replace": "logs = history",
        "loses": _SUMMARY_LOSES,
    },
    # ---- Exercise 3: train_and_time
    {  # the seed set after the initial weights were drawn
        "name": "train_and_time: seed set after building the model",
        "cell": _TRAIN,
        "find": (
            "keras.utils.set_random_seed(seed)                # before building: the initial "
            "weights come from it\n    model = build(input_shape)"
        ),
        "replace": "model = build(input_shape)\n    keras.utils.set_random_seed(seed)",
        "loses": _TRAIN_LOSES,
    },
    {  # Keras' own fit: the last epoch's weights, no learning-rate log
        "name": "train_and_time: model.fit instead of training.fit",
        "cell": _TRAIN,
        "find": _FIT,
        "replace": (
            "history = model.fit(train[0], train[1], validation_data=validation, epochs=epochs, "
            "callbacks=[clock], verbose=0) if isinstance(train, tuple) else model.fit(train, "
            "validation_data=validation, epochs=epochs, callbacks=[clock], verbose=0)"
        ),
        "loses": _TRAIN_LOSES,
    },
    {  # early stopping's default patience cuts the budget short
        "name": "train_and_time: patience left at its default",
        "cell": _TRAIN,
        "find": _FIT,
        "replace": "history = training.fit(model, train, validation, epochs=epochs, callbacks=[clock])",
        "loses": _TRAIN_LOSES,
    },
    {  # the total time, not the time per epoch
        "name": "train_and_time: seconds_per_epoch = the sum of the epochs",
        "cell": _TRAIN,
        "find": _MEDIAN,
        "replace": '"seconds_per_epoch": float(sum(clock.seconds))',
        "loses": _TRAIN_LOSES,
    },
    {  # the data arguments swapped
        "name": "train_and_time: trained on validation, validated on train",
        "cell": _TRAIN,
        "find": _FIT,
        "replace": (
            "history = training.fit(model, validation, train, epochs=epochs, patience=epochs, "
            "callbacks=[clock])"
        ),
        "loses": _TRAIN_LOSES,
    },
    {  # another optimiser
        "name": "train_and_time: RMSprop (the lecture notes' optimiser)",
        "cell": _TRAIN,
        "find": "optimizer=keras.optimizers.Adam(1e-3)",
        "replace": "optimizer=keras.optimizers.RMSprop(1e-3)",
        "loses": _TRAIN_LOSES,
    },
    {  # a rate ten times too large
        "name": "train_and_time: Adam(1e-2)",
        "cell": _TRAIN,
        "find": "optimizer=keras.optimizers.Adam(1e-3)",
        "replace": "optimizer=keras.optimizers.Adam(1e-2)",
        "loses": _TRAIN_LOSES,
    },
    {  # the builder's name instead of the model's
        "name": "train_and_time: name = build.__name__",
        "cell": _TRAIN,
        "find": '"name": model.name',
        "replace": '"name": build.__name__',
        "loses": _TRAIN_LOSES,
    },
    {  # blind review: the mean, which the slow first epoch pulls up
        "name": "train_and_time: the mean of the epoch times",
        "cell": _TRAIN,
        "find": _MEDIAN,
        "replace": '"seconds_per_epoch": float(statistics.mean(clock.seconds))',
        "loses": _TRAIN_LOSES,
    },
    {  # blind review: the whole fit divided by the epochs
        "name": "train_and_time: total time / epochs",
        "cell": _TRAIN,
        "find": _MEDIAN,
        "replace": '"seconds_per_epoch": float(sum(clock.seconds) / epochs)',
        "loses": _TRAIN_LOSES,
    },
    {  # blind review: the first epoch dropped, the rest averaged
        "name": "train_and_time: the mean without the first epoch",
        "cell": _TRAIN,
        "find": _MEDIAN,
        "replace": '"seconds_per_epoch": float(statistics.mean(clock.seconds[1:] or clock.seconds))',
        "loses": _TRAIN_LOSES,
    },
    {  # blind review: the notebook's SEED instead of the argument
        "name": "train_and_time: seeded with the global SEED",
        "cell": _TRAIN,
        "find": "keras.utils.set_random_seed(seed)",
        "replace": "keras.utils.set_random_seed(SEED)",
        "loses": _TRAIN_LOSES,
    },
    {  # blind review: one list of epoch times shared by every call
        "name": "train_and_time: epoch times kept in a list shared between calls",
        "cell": _TRAIN,
        "find": "clock = EpochTimes()",
        "replace": (
            "clock = EpochTimes()\n    clock.on_train_begin = lambda logs=None: None\n"
            '    clock.seconds = train_and_time.__dict__.setdefault("seconds", [])'
        ),
        "loses": _TRAIN_LOSES,
    },
    # ---- Exercise 4: comparison_table
    {  # the last epoch, not the one fit kept
        "name": "comparison_table: accuracies of the last epoch",
        "cell": _TABLE,
        "find": '"val_accuracy": summary["val_accuracy"],\n                     "train_accuracy": summary["train_accuracy"], "gap": summary["gap"]',
        "replace": (
            '"val_accuracy": float(run["history"]["val_accuracy"][-1]),\n'
            '                     "train_accuracy": float(run["history"]["accuracy"][-1]),\n'
            '                     "gap": float(run["history"]["accuracy"][-1]) - float(run["history"]["val_accuracy"][-1])'
        ),
        "loses": _TABLE_LOSES,
    },
    {  # the best validation accuracy, wherever it is
        "name": "comparison_table: the highest val_accuracy and the training accuracy there",
        "cell": _TABLE,
        "find": _SUMMARY_CALL,
        "replace": (
            _SUMMARY_CALL + '\n        peak = int(np.argmax(run["history"]["val_accuracy"]))\n'
            '        summary.update(val_accuracy=float(run["history"]["val_accuracy"][peak]),\n'
            '                       train_accuracy=float(run["history"]["accuracy"][peak]))\n'
            '        summary["gap"] = summary["train_accuracy"] - summary["val_accuracy"]'
        ),
        "loses": _TABLE_LOSES,
    },
    {  # the leaderboard order instead of the runs' order
        "name": "comparison_table: rows sorted by validation accuracy",
        "cell": _TABLE,
        "find": "    return rows",
        "replace": '    return sorted(rows, key=lambda row: -row["val_accuracy"])',
        "loses": _TABLE_LOSES,
    },
    {  # "a comparison table copied from another run": the numbers of an earlier run, written in
        "name": "comparison_table: rows copied from an earlier run",
        "cell": _TABLE,
        "find": "    return rows",
        "replace": (
            '    return [{"model": "shallow", "depth": 4, "parameters": 23682, "epochs": 3, "val_accuracy": 0.469,\n'
            '             "train_accuracy": 0.5, "gap": 0.031, "seconds_per_epoch": 0.54},\n'
            '            {"model": "medium", "depth": 6, "parameters": 249218, "epochs": 3, "val_accuracy": 0.406,\n'
            '             "train_accuracy": 0.463, "gap": 0.056, "seconds_per_epoch": 0.86},\n'
            '            {"model": "deep", "depth": 10, "parameters": 590562, "epochs": 3, "val_accuracy": 0.5,\n'
            '             "train_accuracy": 0.5, "gap": 0.0, "seconds_per_epoch": 2.06}][:len(runs)]'
        ),
        "loses": _TABLE_LOSES,
    },
    {  # the gap the other way round
        "name": "comparison_table: gap = val - train",
        "cell": _TABLE,
        "find": '"gap": summary["gap"]',
        "replace": '"gap": summary["val_accuracy"] - summary["train_accuracy"]',
        "loses": _TABLE_LOSES,
    },
    {  # the best epoch's number where the number of epochs belongs
        "name": "comparison_table: epochs = the best epoch",
        "cell": _TABLE,
        "find": '"epochs": summary["epochs"]',
        "replace": '"epochs": summary["best_epoch"]',
        "loses": _TABLE_LOSES,
    },
    {  # no error for an empty list
        "name": "comparison_table: [] for no runs",
        "cell": _TABLE,
        "find": (
            '        raise ValueError("comparison_table needs at least one run. Received: an empty list.")'
        ),
        "replace": "        return []",
        "loses": _TABLE_LOSES,
    },
    {  # blind review: the run changed while its row is made
        "name": "comparison_table: pops the history out of each run",
        "cell": _TABLE,
        "find": _SUMMARY_CALL,
        "replace": 'summary = summarise(run.pop("history"))',
        "loses": _TABLE_LOSES,
    },
    {  # blind review: the summary computed in the table, summarise ignored
        "name": "comparison_table: its own summary, ignoring summarise",
        "cell": _TABLE,
        "find": _SUMMARY_CALL,
        "replace": 'summary = history_summary(run["history"])',
        "loses": _TABLE_LOSES,
    },
    # ---- Exercise 5: plot_runs
    {  # epochs counted from 0
        "name": "plot_runs: x from 0",
        "cell": _PLOT,
        "find": "np.arange(1, len(values) + 1), values",
        "replace": "np.arange(len(values)), values",
        "loses": _PLOT_LOSES,
    },
    {  # matplotlib's colour cycle: the validation curve gets the next colour
        "name": "plot_runs: no colour given (training and validation differ)",
        "cell": _PLOT,
        "find": "style, color=colour, label",
        "replace": "style, label",
        "loses": _PLOT_LOSES,
    },
    {  # styles exchanged
        "name": "plot_runs: training dashed, validation solid",
        "cell": _PLOT,
        "find": '((metric, "-", "training"), (f"val_{metric}", "--", "validation"))',
        "replace": '((metric, "--", "training"), (f"val_{metric}", "-", "validation"))',
        "loses": _PLOT_LOSES,
    },
    {  # panels in the other order
        "name": "plot_runs: accuracy on the left, loss on the right",
        "cell": _PLOT,
        "find": 'zip(figure.subplots(1, 2), ("loss", "accuracy"))',
        "replace": 'zip(figure.subplots(1, 2), ("accuracy", "loss"))',
        "loses": _PLOT_LOSES,
    },
    {  # labels that do not say which model
        "name": "plot_runs: labels 'training' / 'validation' without the model's name",
        "cell": _PLOT,
        "find": _PLOT_CALL,
        "replace": "axis.plot(np.arange(1, len(values) + 1), values, style, color=colour, label=part)",
        "loses": _PLOT_LOSES,
    },
    {  # no legend
        "name": "plot_runs: no legend",
        "cell": _PLOT,
        "find": "        axis.legend(fontsize=8)\n",
        "replace": "",
        "loses": _PLOT_LOSES,
    },
    {  # capitalised titles
        "name": "plot_runs: titles 'Loss' and 'Accuracy'",
        "cell": _PLOT,
        "find": "axis.set_title(metric)",
        "replace": "axis.set_title(metric.capitalize())",
        "loses": _PLOT_LOSES,
    },
]
