//! `validate.py`: the side-by-side comparison with the prompt flow that Microsoft's migration
//! guide asks for before cutting over.

use super::python::py_str;
use super::SIMILARITY_THRESHOLD;
use crate::migration::mapping::FlowAudit;

pub(super) fn validate_py(audit: &FlowAudit) -> String {
    // The chat input and output when the flow has them, else the first ones.
    let query = chat_or_first(&audit.inputs, |i| i.is_chat_input)
        .map_or_else(|| "question".into(), |i| i.name.clone());
    let output = chat_or_first(&audit.outputs, |o| o.is_chat_output)
        .map_or_else(|| "answer".into(), |o| o.name.clone());
    format!(
        r#""""Side-by-side validation of the `{name}` workflow against the prompt flow it replaces.

Usage: python validate.py PROMPT_FLOW_RESULTS.jsonl

Each line of the file holds one test case's inputs and the prompt flow's output for it (for
example the details of a batch run: the inputs and `{output}`). The workflow runs on the same
inputs, and the Azure AI Evaluation SDK's SimilarityEvaluator scores each pair from 1 to 5.
Microsoft's migration guide asks for a mean of at least {threshold} before cutting over.

Needs `pip install azure-ai-evaluation` and a judge model in the environment:
AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_DEPLOYMENT (and AZURE_OPENAI_API_KEY, or a signed-in identity).
"""

import asyncio
import json
import os
import sys

from workflow import build_workflow

THRESHOLD = {threshold}
QUERY_INPUT = {query}
OUTPUT = {output_literal}


async def main(path: str) -> int:
    from azure.ai.evaluation import SimilarityEvaluator  # imported here: only validation needs it

    model_config = {{
        "azure_endpoint": os.environ["AZURE_OPENAI_ENDPOINT"],
        "azure_deployment": os.environ["AZURE_OPENAI_DEPLOYMENT"],
    }}
    if os.environ.get("AZURE_OPENAI_API_KEY"):
        model_config["api_key"] = os.environ["AZURE_OPENAI_API_KEY"]
    evaluator = SimilarityEvaluator(model_config)
    scores = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            case = json.loads(line)
            expected = case.pop(OUTPUT)
            result = await build_workflow().run(case)
            actual = result.get_outputs()[-1][OUTPUT]
            score = evaluator(query=str(case.get(QUERY_INPUT, "")), response=str(actual), ground_truth=str(expected))
            scores.append(float(score["similarity"]))
    mean = sum(scores) / len(scores) if scores else 0.0
    verdict = "PASS" if mean >= THRESHOLD else "FAIL"
    print(f"{{verdict}}: mean similarity {{mean:.2f}} of 5 over {{len(scores)}} cases (needs {{THRESHOLD}})")
    return 0 if mean >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
"#,
        name = audit.name,
        output = output,
        threshold = SIMILARITY_THRESHOLD,
        query = py_str(&query),
        output_literal = py_str(&output),
    )
}

fn chat_or_first<T>(items: &[T], is_chat: impl Fn(&T) -> bool) -> Option<&T> {
    items
        .iter()
        .find(|item| is_chat(item))
        .or_else(|| items.first())
}
