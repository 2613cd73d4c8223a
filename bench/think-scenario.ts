// The memory case's scenario: one user class, a 1-5 s think time, one GET. With 10,000 users it
// asks for about 3,300 requests per second while holding 10,000 users' state and connections.
import { between, scenario, task, userClass } from "headroom";

export default scenario({
  name: "bench-think-time",
  description: "one GET per user every 1-5 s: measures the generator's memory per virtual user",
  classes: [
    userClass({
      name: "Reader",
      weight: 1,
      wait: between(1, 5),
      tasks: [
        task("get", 1, async (user) => {
          await user.get("/", { name: "GET /" });
        }),
      ],
    }),
  ],
});
