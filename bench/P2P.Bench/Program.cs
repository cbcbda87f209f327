using BenchmarkDotNet.Running;
using P2P.Bench;

// Console modes for end-to-end figures; anything else goes to BenchmarkDotNet.
//   sha256 FILE      the single-core SHA-256 baseline that `add` is compared with
//   transport …      the secure transport throughput benchmark (TransportBench)
if (args.Length == 2 && args[0] == "sha256")
    return Sha256Baseline.Run(args[1]);
if (args.Length > 0 && args[0] == "transport")
    return await TransportBench.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
