namespace P2P.Cli.Infrastructure;

/// <summary>
/// Progress on stderr: a bar redrawn in place on a terminal, or plain lines when stderr is not a terminal and
/// progress was asked for (docs/PROGRESS.md fixes their format). Thread-safe: reports come from worker threads.
/// <para>
/// The contract has two doors so a running total can never be fed to a counter: <see cref="Advance"/> takes
/// increments, and <see cref="Part"/> hands out a reporter for one part (one input, one file) that takes that
/// part's running total. The bar deliberately does not implement <see cref="IProgress{T}"/> itself.
/// </para>
/// <para>
/// The rate is the bytes moved in the last <see cref="RateWindow"/>, so a stall shows as 0 B/s. Once
/// <see cref="SetReceived"/> is called the rate follows those bytes (what the network delivered) instead of the
/// bytes written, so blocks already held locally neither count as downloaded nor make the ETA optimistic:
/// ETA = bytes still to write / network rate.
/// </para>
/// </summary>
internal sealed class ProgressBar : IDisposable
{
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TerminalPeriod = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PlainPeriod = TimeSpan.FromSeconds(1);

    private readonly string _label;
    private readonly ProgressMode _mode;
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly int _width;
    private readonly ITimer? _timer;
    private readonly Func<long, string> _units;

    /// <summary>Guards every field below and the output line.</summary>
    private readonly Lock _lock = new();
    private readonly RateWindow _doneRate;
    private readonly RateWindow _receivedRate;
    private long _total;
    private long _done;
    private long _received = -1;
    private string _extra = "";
    private bool _drawn;
    private long _lastPlain;
    private int _lastPlainStep = -1;
    private string _lastPlainLine = "";
    private bool _disposed;

    public ProgressBar(string label, long total, ProgressMode mode, TextWriter writer, TimeProvider time, int width = 119, Func<long, string>? units = null)
    {
        _units = units ?? Units.Bytes;
        _label = label;
        _total = Math.Max(0, total);
        _mode = mode;
        _writer = writer;
        _time = time;
        _width = width;
        _doneRate = new RateWindow(time, RateWindow);
        _receivedRate = new RateWindow(time, RateWindow);
        _lastPlain = time.GetTimestamp();
        if (mode != ProgressMode.Off)
            _timer = time.CreateTimer(_ => Tick(), null, mode == ProgressMode.Plain ? PlainPeriod : TerminalPeriod,
                mode == ProgressMode.Plain ? PlainPeriod : TerminalPeriod);
    }

    /// <summary>
    /// The bar of a command: drawn on a terminal when asked or by default, printed as plain lines when asked and
    /// stderr is not a terminal, otherwise silent.
    /// </summary>
    public static ProgressBar ForCommand(string label, long total, bool asked, Func<long, string>? units = null)
    {
        var mode = !Console.IsErrorRedirected ? ProgressMode.Terminal : asked ? ProgressMode.Plain : ProgressMode.Off;
        var width = 119;
        if (mode == ProgressMode.Terminal)
        {
            try
            {
                width = Math.Clamp(Console.WindowWidth - 1, 20, 119);
            }
            catch (IOException)
            {
                width = 79;
            }
        }
        return new ProgressBar(label, total, mode, Console.Error, TimeProvider.System, width, units);
    }

    public ProgressMode Mode => _mode;

    /// <summary>True when anything is shown.</summary>
    public bool Enabled => _mode != ProgressMode.Off;

    public long Done
    {
        get
        {
            lock (_lock)
                return _done;
        }
    }

    /// <summary>Adds <paramref name="bytes"/> written or read (an increment, never a running total).</summary>
    public void Advance(long bytes)
    {
        if (bytes < 0)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "progress goes forward only");
        lock (_lock)
        {
            _done += bytes;
            _doneRate.Set(_done);
            Draw(force: false);
        }
    }

    /// <summary>A reporter for one part that gives its running total (0 up to the part's size); parts add up.</summary>
    public IProgress<long> Part() => new RunningTotal(this);

    /// <summary>The bytes the network delivered so far (a running total): from now on the rate and ETA follow them.</summary>
    public void SetReceived(long bytes)
    {
        lock (_lock)
        {
            _received = Math.Max(_received, bytes);
            _receivedRate.Set(_received);
        }
    }

    /// <summary>Raises the total when more work is discovered (e.g. another file); never lowers it.</summary>
    public void SetTotal(long total)
    {
        lock (_lock)
            _total = Math.Max(_total, total);
    }

    /// <summary>Text shown after the figures: peers serving, or the provider search.</summary>
    public void SetExtra(string extra)
    {
        lock (_lock)
        {
            if (extra == _extra)
                return;
            _extra = extra;
            Draw(force: false);
        }
    }

    /// <summary>
    /// Prints result lines: the bar's line is cleared first and redrawn after, so a result never lands on top of
    /// the bar. The print goes to stdout, which shares the terminal with stderr.
    /// </summary>
    public void WriteAbove(Action print)
    {
        lock (_lock)
        {
            if (_mode == ProgressMode.Terminal && _drawn)
            {
                _writer.Write("\r" + new string(' ', _width) + "\r");
                _writer.Flush();
                _drawn = false;
            }
            print();
        }
    }

    /// <summary>The line as it reads now (no carriage return, no padding).</summary>
    public string Render()
    {
        lock (_lock)
            return RenderLocked();
    }

    private string RenderLocked()
    {
        var rate = (_received >= 0 ? _receivedRate : _doneRate).BytesPerSecond();
        var total = Math.Max(_total, _done);
        var line = total > 0
            ? $"{_label} {_units(_done)} / {_units(total)} ({Percent(_done, total)}%) {_units((long)rate)}/s ETA {Eta(total - _done, rate)}"
            : $"{_label} {_units(_done)} {_units((long)rate)}/s";
        return _extra.Length > 0 ? $"{line}  {_extra}" : line;
    }

    private static int Percent(long done, long total) => total <= 0 ? 100 : (int)(100 * (done / (double)total));

    /// <summary>Time left for <paramref name="missing"/> bytes at <paramref name="rate"/>; "?" while nothing moves.</summary>
    private static string Eta(long missing, double rate)
    {
        if (missing <= 0)
            return "0s";
        if (rate <= 0)
            return "?";
        var secs = missing / rate;
        return secs >= 3600 ? $"{secs / 3600:0.0}h" : secs >= 60 ? $"{secs / 60:0.0}m" : $"{Math.Ceiling(secs):0}s";
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _doneRate.Set(_done);
            if (_received >= 0)
                _receivedRate.Set(_received);
            Draw(force: true);
        }
    }

    private void Draw(bool force)
    {
        switch (_mode)
        {
            case ProgressMode.Terminal:
                if (!force)
                    return; // The timer redraws five times a second; drawing on every report would flood the terminal.
                _writer.Write("\r" + Fit(RenderLocked()));
                _writer.Flush();
                _drawn = true;
                break;
            case ProgressMode.Plain:
                // One line a second, or when a 5% step is crossed, whichever comes first.
                var total = Math.Max(_total, _done);
                var step = total > 0 ? Percent(_done, total) / 5 : -1;
                var now = _time.GetTimestamp();
                if (!force && step == _lastPlainStep)
                    return;
                if (force && _time.GetElapsedTime(_lastPlain, now) < PlainPeriod && step == _lastPlainStep)
                    return;
                WritePlain(RenderLocked(), now, step);
                break;
        }
    }

    private void WritePlain(string line, long now, int step)
    {
        _lastPlain = now;
        _lastPlainStep = step;
        _lastPlainLine = line;
        _writer.WriteLine(line);
        _writer.Flush();
    }

    private string Fit(string line) => line.Length > _width ? line[.._width] : line.PadRight(_width);

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
                return;
            _disposed = true;
            _timer?.Dispose();
            switch (_mode)
            {
                case ProgressMode.Terminal:
                    _writer.Write("\r" + Fit(RenderLocked()));
                    _writer.WriteLine();
                    _writer.Flush();
                    break;
                case ProgressMode.Plain:
                    var line = RenderLocked();
                    if (line != _lastPlainLine)
                        WritePlain(line, _time.GetTimestamp(), _lastPlainStep);
                    break;
            }
        }
    }

    /// <summary>One part's running total, turned into increments of the bar.</summary>
    private sealed class RunningTotal(ProgressBar bar) : IProgress<long>
    {
        /// <summary>Guarded by the bar's lock.</summary>
        private long _last;

        public void Report(long value)
        {
            lock (bar._lock)
            {
                if (value <= _last)
                    return; // A repeat or a late report: never count bytes twice, never go back.
                var delta = value - _last;
                _last = value;
                bar.Advance(delta);
            }
        }
    }
}
