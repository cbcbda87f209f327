using System.Diagnostics;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// A one-line progress display on stderr (bytes, rate, ETA), drawn only when stderr is a terminal and
/// at most ten times a second. Thread-safe: reports may come from worker threads.
/// </summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private readonly long _total;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _enabled;

    /// <summary>Guards the counters and the terminal line.</summary>
    private readonly Lock _lock = new();
    private long _done;
    private long _lastDrawMs = -1000;
    private string _extra = "";

    public ProgressBar(string label, long total, bool enabled)
    {
        _label = label;
        _total = total;
        _enabled = enabled && !Console.IsErrorRedirected;
    }

    /// <summary>A bar for a command that prints progress only when asked or when stderr is a terminal.</summary>
    public static ProgressBar ForTerminal(string label, long total) => new(label, total, enabled: true);

    /// <summary>True when the bar is drawn (asked for, and stderr is a terminal).</summary>
    public bool Enabled => _enabled;

    public long Done
    {
        get
        {
            lock (_lock)
                return _done;
        }
    }

    /// <summary>Adds <paramref name="value"/> bytes.</summary>
    public void Report(long value)
    {
        lock (_lock)
        {
            _done += value;
            Draw(force: false);
        }
    }

    /// <summary>An adapter for reporters that give a running total rather than increments.</summary>
    public IProgress<long> Cumulative => new CumulativeAdapter(this);

    /// <summary>Extra text shown after the figures, e.g. the number of peers.</summary>
    public void SetExtra(string extra)
    {
        lock (_lock)
            _extra = extra;
    }

    private void Draw(bool force)
    {
        if (!_enabled)
            return;
        var now = _clock.ElapsedMilliseconds;
        if (!force && now - _lastDrawMs < 100)
            return;
        _lastDrawMs = now;
        var seconds = Math.Max(now / 1000.0, 0.001);
        var rate = _done / seconds;
        var line = _total > 0
            ? $"{_label} {Units.Bytes(_done)} / {Units.Bytes(_total)} ({100.0 * _done / _total:0}%)  {Units.Bytes((long)rate)}/s  ETA {Eta(rate)}"
            : $"{_label} {Units.Bytes(_done)}  {Units.Bytes((long)rate)}/s";
        if (_extra.Length > 0)
            line += "  " + _extra;
        Console.Error.Write("\r" + line.PadRight(Math.Min(Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 79, 119)));
    }

    private string Eta(double rate)
    {
        if (rate <= 0 || _done >= _total)
            return "0s";
        var secs = (_total - _done) / rate;
        return secs >= 3600 ? $"{secs / 3600:0.0}h" : secs >= 60 ? $"{secs / 60:0.0}m" : $"{secs:0}s";
    }

    private void SetDone(long value)
    {
        lock (_lock)
        {
            _done = value;
            Draw(force: false);
        }
    }

    private sealed class CumulativeAdapter(ProgressBar bar) : IProgress<long>
    {
        public void Report(long value) => bar.SetDone(value);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (!_enabled)
                return;
            Draw(force: true);
            Console.Error.WriteLine();
        }
    }
}
