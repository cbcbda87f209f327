using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace P2P.Fuzz.Engine;

/// <summary>
/// A coverage-guided, in-process fuzzing loop. Start from the target's seeds plus a corpus folder, then repeat:
/// pick an entry, mutate it, execute it; keep the mutant when it reaches something new. "New" means a new
/// SharpFuzz edge or hit-count bucket when the target assembly is instrumented (<see cref="CoverageMap"/>);
/// otherwise it means a new outcome label with digits folded away, a coarse but deterministic proxy.
/// An exception escaping the target, an execution over the time budget, or one allocating more than the
/// allocation budget is a crash: it is recorded, printed and written to the crash folder.
/// </summary>
public sealed partial class FuzzEngine
{
    private readonly IFuzzTarget _target;
    private readonly FuzzOptions _options;
    private readonly List<byte[]> _corpus = [];
    private readonly HashSet<string> _outcomes = [];
    private readonly HashSet<string> _crashKeys = [];
    private readonly List<FuzzCrash> _crashes = [];
    private long _execStartTicks;
    private byte[]? _current;

    public FuzzEngine(IFuzzTarget target, FuzzOptions options)
    {
        _target = target;
        _options = options;
    }

    public FuzzResult Run()
    {
        using var coverage = _options.UseCoverage ? new CoverageMap() : null;
        using var watchdog = _options.ExitOnHang ? StartWatchdog() : null;
        var random = new Random(_options.Seed);
        var mutator = new Mutator(random, _target.Dictionary);
        var clock = Stopwatch.StartNew();
        long executions = 0;

        foreach (var seed in InitialInputs())
        {
            executions++;
            if (ExecuteOne(seed, coverage) || _corpus.Count == 0)
                _corpus.Add(seed);
        }
        if (_corpus.Count == 0)
            _corpus.Add([]);
        var lastReport = clock.Elapsed;
        while (!Done(executions, clock.Elapsed))
        {
            var parent = _corpus[random.Next(_corpus.Count)];
            var child = mutator.Mutate(parent, _corpus, _target.MaxInputLength);
            executions++;
            if (ExecuteOne(child, coverage))
            {
                _corpus.Add(child);
                Save(_options.CorpusOutputDirectory, "", child);
            }
            if (_options.Log is { } log && clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
            {
                lastReport = clock.Elapsed;
                log.WriteLine($"{_target.Name}: {executions} execs, {executions / clock.Elapsed.TotalSeconds:F0}/s, corpus {_corpus.Count}, features {Features(coverage)}, crashes {_crashes.Count}");
            }
        }
        Interlocked.Exchange(ref _execStartTicks, 0);
        return new FuzzResult(_target.Name, executions, clock.Elapsed, _corpus.Count, Features(coverage), coverage?.Active ?? false, _crashes);
    }

    /// <summary>Runs each input once without mutation (regression replay); returns the crashes.</summary>
    public IReadOnlyList<FuzzCrash> Replay(IEnumerable<byte[]> inputs)
    {
        // An instrumented build writes to the trace map on every branch, so it must exist even here.
        using var coverage = _options.UseCoverage ? new CoverageMap() : null;
        foreach (var input in inputs)
            ExecuteOne(input, coverage);
        return _crashes;
    }

    private bool Done(long executions, TimeSpan elapsed) =>
        executions >= (_options.MaxExecutions ?? long.MaxValue) ||
        (_options.Duration is { } d && elapsed >= d) ||
        (_options.MaxExecutions is null && _options.Duration is null);

    private int Features(CoverageMap? coverage) => coverage is { Active: true } ? coverage.Features() : _outcomes.Count;

    private IEnumerable<byte[]> InitialInputs()
    {
        foreach (var seed in _target.Seeds())
            yield return seed;
        if (_options.CorpusDirectory is { } dir && Directory.Exists(dir))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                yield return File.ReadAllBytes(file);
        }
    }

    /// <summary>Executes one input; true when it found new coverage (or a new outcome class).</summary>
    private bool ExecuteOne(byte[] input, CoverageMap? coverage)
    {
        coverage?.Reset();
        _current = input;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _execStartTicks, started);
        string outcome;
        try
        {
            outcome = _target.Execute(input);
        }
        catch (FuzzInvariantException e)
        {
            return Crash("invariant", input, e.ToString());
        }
        catch (Exception e)
        {
            return Crash("crash", input, e.ToString());
        }
        finally
        {
            Interlocked.Exchange(ref _execStartTicks, 0);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (elapsed > _options.HangBudget)
            return Crash("slow", input, $"one execution took {elapsed.TotalMilliseconds:F0} ms (budget {_options.HangBudget.TotalMilliseconds:F0} ms)");
        var bytes = GC.GetAllocatedBytesForCurrentThread() - allocated;
        if (bytes > _options.AllocationBudget)
            return Crash("alloc", input, $"one execution of {input.Length} bytes allocated {bytes} bytes (budget {_options.AllocationBudget})");
        var newOutcome = _outcomes.Add(Normalise(outcome));
        // With instrumentation only edges count: outcome labels carry too much of the input to be a fair signal.
        var newEdges = coverage is not null && coverage.Collect();
        return coverage is { Active: true } ? newEdges : newOutcome;
    }

    private bool Crash(string kind, byte[] input, string description)
    {
        // One report per distinct first stack line, so a shallow bug does not flood the folder.
        var key = kind + ":" + Normalise(FirstLines().Match(description).Value);
        if (!_crashKeys.Add(key))
            return false;
        var path = Save(_options.CrashDirectory, kind + "-", input);
        _crashes.Add(new FuzzCrash(_target.Name, kind, input, description, path));
        _options.Log?.WriteLine($"CRASH ({kind}) in {_target.Name}, {input.Length} bytes{(path is null ? "" : " saved to " + path)}:\n{description}");
        return false;
    }

    private static string? Save(string? directory, string prefix, byte[] input)
    {
        if (directory is null)
            return null;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, prefix + Convert.ToHexStringLower(SHA256.HashData(input)[..10]));
        File.WriteAllBytes(path, input);
        return path;
    }

    private Timer StartWatchdog() => new(_ =>
    {
        var started = Interlocked.Read(ref _execStartTicks);
        if (started == 0 || Stopwatch.GetElapsedTime(started) <= _options.HangBudget)
            return;
        var path = Save(_options.CrashDirectory, "hang-", _current ?? []);
        Console.Error.WriteLine($"HANG in {_target.Name}: one execution ran past {_options.HangBudget.TotalSeconds:F1} s{(path is null ? "" : "; input saved to " + path)}");
        Environment.Exit(3);
    }, null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));

    /// <summary>Outcome labels with numbers and quoted input text folded away, so each is a class of behaviour.</summary>
    public static string Normalise(string outcome)
    {
        var folded = Digits().Replace(Quoted().Replace(outcome, "…"), "#");
        return folded.Length <= 80 ? folded : folded[..80];
    }

    [GeneratedRegex("0x[0-9a-fA-F]+|[0-9]+")]
    private static partial Regex Digits();

    /// <summary>Single- or double-quoted text and parenthesised asides (JSON paths, field names) come from the input.</summary>
    [GeneratedRegex("""'[^']*'|"[^"]*"|\([^)]*\)|Path: \S*""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"^[^\n]*\n?[^\n]*")]
    private static partial Regex FirstLines();
}
