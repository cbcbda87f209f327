using BenchmarkDotNet.Running;
using P2P.Bench;

// `P2P.Bench sha256 FILE` prints the single-core SHA-256 baseline; anything else goes to BenchmarkDotNet.
if (args.Length == 2 && args[0] == "sha256")
    return Sha256Baseline.Run(args[1]);
// "transport …" runs the console transport benchmark (TransportBench).
if (args.Length > 0 && args[0] == "transport")
    return await TransportBench.RunAsync(args[1..]);
// "exchange …" runs the two-process block exchange benchmark (ExchangeBench).
if (args.Length > 0 && args[0] == "exchange")
    return await ExchangeBench.RunAsync(args[1..]);
// "chunk [MiB]" times each chunker over an in-memory buffer (ChunkBench).
if (args.Length > 0 && args[0] == "chunk")
    return await ChunkBench.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
