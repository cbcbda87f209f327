using BenchmarkDotNet.Running;

// "transport …" runs the console transport benchmark (TransportBench); anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "transport")
    return await P2P.Bench.TransportBench.RunAsync(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
