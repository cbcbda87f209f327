using System.Globalization;
using P2P.Fuzz.Engine;
using P2P.Fuzz.Targets;

namespace P2P.Fuzz;

/// <summary>
/// Command line for the fuzzers (docs/FUZZING.md):
/// <c>list</c>; <c>run &lt;target|all&gt; [--seconds N] [--execs N] [--seed N] [--corpus DIR] [--out DIR]</c>;
/// <c>replay &lt;target&gt; FILE|DIR…</c>; <c>seed DIR</c> (writes each target's built-in seeds to DIR/&lt;target&gt;).
/// Exit code 0 when nothing crashed, 1 when something did, 2 for usage errors, 3 for a hang.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // An instrumented P2P.Node.dll writes to the trace map from its first branch, target constructors included.
        if (!CoverageMap.EnsureInstalled())
            throw new InvalidOperationException("no trace buffer");
        try
        {
            return args.FirstOrDefault() switch
            {
                "list" => List(),
                "run" when args.Length >= 2 => Run(args[1], Options(args.Skip(2).ToArray())),
                "replay" when args.Length >= 3 => Replay(args[1], args.Skip(2)),
                "seed" when args.Length == 2 => Seed(args[1]),
                _ => Usage(),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: P2P.Fuzz list | run <target|all> [--seconds N] [--execs N] [--seed N] [--corpus DIR] [--out DIR] | replay <target> FILE|DIR... | seed DIR");
        return 2;
    }

    private static int List()
    {
        foreach (var name in FuzzTargets.Names)
            Console.WriteLine(name);
        return 0;
    }

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            options[args[i][2..]] = args[i + 1];
        }
        if (args.Length % 2 != 0)
            throw new ArgumentException($"option '{args[^1]}' needs a value");
        return options;
    }

    private static int Run(string which, Dictionary<string, string> options)
    {
        var names = which == "all" ? FuzzTargets.Names : [which];
        double? seconds = options.TryGetValue("seconds", out var s) ? double.Parse(s, CultureInfo.InvariantCulture) : null;
        long? execs = options.TryGetValue("execs", out var e) ? long.Parse(e, CultureInfo.InvariantCulture) : null;
        if (seconds is null && execs is null)
            seconds = 60;
        var seed = options.TryGetValue("seed", out var sd) ? int.Parse(sd, CultureInfo.InvariantCulture) : Environment.TickCount;
        var corpus = options.GetValueOrDefault("corpus", "tests/fuzz-corpus");
        var output = options.GetValueOrDefault("out", "artifacts/fuzz");
        var crashed = false;
        foreach (var name in names)
        {
            var target = FuzzTargets.Create(name);
            var result = new FuzzEngine(target, new FuzzOptions
            {
                Seed = seed,
                Duration = seconds is { } secs ? TimeSpan.FromSeconds(secs / names.Count) : null,
                MaxExecutions = execs,
                CorpusDirectory = Path.Combine(corpus, name),
                CorpusOutputDirectory = Path.Combine(output, name, "corpus"),
                CrashDirectory = Path.Combine(output, name, "crashes"),
                ExitOnHang = true,
                Log = Console.Out,
            }).Run();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {result.Executions} execs in {result.Elapsed.TotalSeconds:F1} s ({result.ExecutionsPerSecond:F0}/s), corpus {result.CorpusSize}, " +
                $"{(result.CoverageGuided ? "edge features" : "outcome classes")} {result.Features}, crashes {result.Crashes.Count}, seed {seed}"));
            crashed |= result.Crashes.Count > 0;
        }
        return crashed ? 1 : 0;
    }

    private static int Replay(string name, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
            .Order(StringComparer.Ordinal).ToList();
        var crashes = new FuzzEngine(FuzzTargets.Create(name), new FuzzOptions { Log = Console.Out })
            .Replay(files.Select(File.ReadAllBytes));
        Console.WriteLine($"{name}: replayed {files.Count} inputs, {crashes.Count} crashes");
        return crashes.Count > 0 ? 1 : 0;
    }

    private static int Seed(string directory)
    {
        foreach (var name in FuzzTargets.Names)
        {
            var dir = Path.Combine(directory, name);
            Directory.CreateDirectory(dir);
            var i = 0;
            foreach (var seed in FuzzTargets.Create(name).Seeds())
                File.WriteAllBytes(Path.Combine(dir, $"seed-{i++:D2}"), seed);
            Console.WriteLine($"{name}: {i} seeds in {dir}");
        }
        return 0;
    }
}
