//! `run.py`: runs the workflow once on the flow's default inputs.

use std::fmt::Write as _;

use super::python::{py_literal, py_str};
use crate::migration::flow_yaml::FlowDefinition;
use crate::migration::mapping::{yaml_to_json, FlowAudit};

pub(super) fn run_py(flow: &FlowDefinition, audit: &FlowAudit) -> String {
    let mut py = String::new();
    let _ = writeln!(
        py,
        "\"\"\"Runs the `{}` workflow once with the flow's default inputs: python run.py\"\"\"\n",
        audit.name
    );
    py.push_str("import asyncio\n\nfrom workflow import build_workflow\n\n");
    let _ = writeln!(py, "INPUTS = {{");
    for (name, input) in &flow.inputs {
        let value = input
            .default
            .as_ref()
            .map(|v| py_literal(&yaml_to_json(v)))
            .unwrap_or_else(|| "None".into());
        let _ = writeln!(py, "    {}: {value},", py_str(name));
    }
    let _ = writeln!(py, "}}\n\n");
    py.push_str(
        r#"async def main() -> None:
    result = await build_workflow().run(INPUTS)
    print(result.get_outputs())


if __name__ == "__main__":
    asyncio.run(main())
"#,
    );
    py
}
