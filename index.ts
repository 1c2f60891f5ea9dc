// The Pulumi entry point. All logic lives in stacks/: the config is validated first, then the
// target's composition runs. The exported promise's value becomes the stack outputs.
import { program } from "./stacks/program";

export = program().then((result) => result.outputs);
