using System.CommandLine;
using System.Globalization;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Hosting.Local;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p add`: chunks, hashes and stores files, symlinks (as links) and stdin, printing kubo's `added CID NAME` lines.
/// <see cref="AddInputs"/> reads the command line's items once; offline they are imported into the repo through
/// <see cref="LocalContent"/>, with a daemon uploaded as kubo's multipart body (-w as kubo's wrap-with-directory).
/// Both check the flags with <see cref="ImportOptionsBuilder"/>, as the daemon's API does.
/// </summary>
internal sealed class AddCommand
{
    private readonly Argument<string[]> _paths = new("path") { Description = "Files or directories to add; - or none (with data piped in) reads stdin", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "Add directories recursively" };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print only the CIDs" };
    private readonly Option<bool> _quieter = new("--quieter", "-Q") { Description = "Print only the final CID" };
    private readonly Option<int?> _cidVersion = new("--cid-version") { Description = "CID version: 0 or 1 (default 1, raw leaves)" };
    private readonly Option<bool?> _rawLeaves = new("--raw-leaves") { Description = "Store leaves as raw blocks (default: on for CIDv1)" };
    private readonly Option<string?> _chunker = new("--chunker", "-s") { Description = "Chunking: size-N, rabin[-AVG|-MIN-AVG-MAX] or buzhash (default size-262144)" };
    private readonly Option<int?> _maxLinks = new("--max-links") { Description = "Links per node of the balanced tree (default 174)" };
    private readonly Option<string> _hash = new("--hash") { Description = "Hash function: sha2-256 or blake3 (blake3 implies CIDv1)", DefaultValueFactory = _ => "sha2-256" };
    private readonly Option<string?> _profile = new("--profile") { Description = "Import profile: unixfs-v1-2025 (1 MiB chunks, 1024 links)" };
    private readonly Option<bool> _onlyHash = new("--only-hash", "-n") { Description = "Only compute the CIDs; store nothing" };
    private readonly Option<bool> _pin = new("--pin") { Description = "Pin what is added (default true)", DefaultValueFactory = _ => true };
    private readonly Option<bool> _hidden = new("--hidden", "-H") { Description = "Include files whose names start with a dot" };
    private readonly Option<bool> _progress = new("--progress") { Description = "Show progress on stderr (default: when it is a terminal)" };
    private readonly Option<bool> _wrap = new("--wrap-with-directory", "-w") { Description = "Wrap the added files in a directory, whose CID is printed last" };
    private readonly Option<string?> _stdinName = new("--stdin-name") { Description = "Name of the file read from stdin (default: its CID)" };
    private readonly Option<bool> _dereferenceArgs = new("--dereference-args") { Description = "Add what symlinks named on the command line point at, not the links" };

    private AddCommand()
    {
        _hash.AcceptOnlyFromAmong("sha2-256", "blake3");
        _profile.AcceptOnlyFromAmong(ImportOptionsBuilder.UnixFsV1_2025);
    }

    public static Command Create()
    {
        var add = new AddCommand();
        var command = new Command("add", "Add files to the repo and print their CIDs.\n\nExamples:\n  p2p add photo.jpg\n  p2p add -r ./music --cid-version 0\n  p2p add -q --profile unixfs-v1-2025 big.iso")
        {
            add._paths, add._recursive, add._quiet, add._quieter, add._cidVersion, add._rawLeaves, add._chunker, add._maxLinks,
            add._hash, add._profile, add._onlyHash, add._pin, add._hidden, add._progress, add._wrap, add._stdinName, add._dereferenceArgs,
        };
        // `add --only-hash` stores nothing, so it never needs the daemon.
        DaemonRoute.SetAction(command, add.OfflineAsync, add.RemoteAsync, parse => parse.GetValue(add._onlyHash));
        return command;
    }

    /// <summary>The flags as kubo names them, checked and turned into import options before anything is read or sent.</summary>
    private (KuboAddFlags Flags, ImportOptions Options, IReadOnlyList<AddInputs.Item> Inputs) Read(ParseResult parse)
    {
        var flags = new KuboAddFlags
        {
            Profile = parse.GetValue(_profile),
            CidVersion = parse.GetValue(_cidVersion),
            RawLeaves = parse.GetValue(_rawLeaves),
            Chunker = parse.GetValue(_chunker),
            MaxLinks = parse.GetValue(_maxLinks),
            Hash = parse.GetValue(_hash)!,
            OnlyHash = parse.GetValue(_onlyHash),
            Hidden = parse.GetValue(_hidden),
        };
        ImportOptions options;
        try
        {
            options = ImportOptionsBuilder.Build(flags);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Usage);
        }
        var inputs = AddInputs.Collect(parse.GetValue(_paths) ?? [], parse.GetValue(_recursive), parse.GetValue(_stdinName), parse.GetValue(_dereferenceArgs));
        return (flags, options, inputs);
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var (_, options, items) = Read(parse);
        var output = Output.For(parse);
        using var node = options.OnlyHash ? LocalContent.InMemory() : NodeAccess.Open(parse);
        var total = items.Sum(AddInputs.SizeOf);
        using var bar = ProgressBar.ForCommand("adding", total, parse.GetValue(_progress));
        var pin = parse.GetValue(_pin) && !options.OnlyHash;
        var opened = new List<Stream>();
        try
        {
            var inputs = items.Select(i => AddInputs.ToImportInput(i, opened)).ToList();
            var printer = new Printer(parse.GetValue(_quiet), parse.GetValue(_quieter), output, bar);
            if (parse.GetValue(_wrap))
            {
                printer.Print(await node.AddWrappedAsync(inputs, options, pin, bar.Part(), ct));
            }
            else
            {
                foreach (var input in inputs)
                    printer.Print(await node.AddAsync(input, options, pin, bar.Part(), ct));
            }
            printer.Finish();
        }
        finally
        {
            foreach (var stream in opened)
                await stream.DisposeAsync();
        }
        return ExitCodes.Ok;
    }

    /// <summary>The same add sent to a running daemon (which holds the repo lock) as kubo's multipart upload.</summary>
    private async Task<int> RemoteAsync(ParseResult parse, DaemonClient daemon, CancellationToken ct)
    {
        var (flags, _, inputs) = Read(parse);
        var query = new List<KeyValuePair<string, string>>
        {
            new("pin", parse.GetValue(_pin) ? "true" : "false"),
            new("hash", flags.Hash),
            new("hidden", flags.Hidden ? "true" : "false"),
        };
        if (flags.CidVersion is { } v) query.Add(new("cid-version", v.ToString(CultureInfo.InvariantCulture)));
        if (flags.RawLeaves is { } raw) query.Add(new("raw-leaves", raw ? "true" : "false"));
        if (flags.Chunker is not null) query.Add(new("chunker", flags.Chunker));
        if (flags.MaxLinks is { } links) query.Add(new("max-links", links.ToString(CultureInfo.InvariantCulture)));
        if (flags.Profile is not null) query.Add(new("profile", flags.Profile));
        if (parse.GetValue(_wrap)) query.Add(new("wrap-with-directory", "true"));
        if (inputs is [{ Kind: AddInputs.Kind.File or AddInputs.Kind.Stdin } single] && TryAddLocal(parse, daemon, flags, single, ct))
            return ExitCodes.Ok;

        using var body = new MultipartFormDataContent();
        var opened = new List<Stream>();
        try
        {
            foreach (var item in inputs)
                AddInputs.AddParts(body, item, opened);
            using var bar = ProgressBar.ForCommand("adding", inputs.Sum(AddInputs.SizeOf), parse.GetValue(_progress));
            var progress = new AddProgressEvents(bar);
            if (bar.Enabled)
                query.Add(new("progress", "true"));
            var printer = new Printer(parse.GetValue(_quiet), parse.GetValue(_quieter), Output.For(parse), bar);
            await foreach (var line in daemon.PostLinesAsync("add", query, ct, body, blockingUpload: true))
            {
                // kubo's progress events have no Hash: a name and that entry's running byte count.
                if (progress.TryConsume(line))
                    continue;
                printer.Print(line.GetProperty("Name").GetString()!, line.GetProperty("Hash").GetString()!, line.GetProperty("Size").GetString());
            }
            printer.Finish();
        }
        finally
        {
            foreach (var stream in opened)
                await stream.DisposeAsync();
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// One regular file, or stdin piped in, added by the daemon from the descriptor passed on its local channel: the
    /// bytes are read by the daemon, not uploaded. Directories and several inputs keep kubo's multipart upload, and so
    /// does a terminal's stdin (a daemon blocked reading the terminal would take the user's next line after a Ctrl-C).
    /// False when the daemon has no channel (nothing was read).
    /// </summary>
    private bool TryAddLocal(ParseResult parse, DaemonClient daemon, KuboAddFlags flags, AddInputs.Item item, CancellationToken ct)
    {
        if (!LocalChannelClient.Available(daemon) || (item.Kind == AddInputs.Kind.Stdin && !Console.IsInputRedirected))
            return false;
        using var file = item.Kind == AddInputs.Kind.File ? File.OpenHandle(item.Path!, FileMode.Open, FileAccess.Read) : null;
        using var bar = ProgressBar.ForCommand("adding", AddInputs.SizeOf(item), parse.GetValue(_progress));
        var progress = new AddProgressEvents(bar);
        var printer = new Printer(parse.GetValue(_quiet), parse.GetValue(_quieter), Output.For(parse), bar);
        var request = new LocalRequest
        {
            Op = "add", Name = item.Name, Pin = parse.GetValue(_pin), Wrap = parse.GetValue(_wrap), Progress = bar.Enabled, Flags = flags,
        };
        var fd = file is null ? 0 : (int)file.DangerousGetHandle();
        var done = LocalChannelClient.TryRun(daemon, request, fd, frame =>
        {
            if (!frame.TryGetProperty("Line", out var line) || progress.TryConsume(line))
                return;
            printer.Print(line.GetProperty("Name").GetString()!, line.GetProperty("Hash").GetString()!, line.GetProperty("Size").GetString());
        }, ct);
        if (done)
            printer.Finish();
        return done;
    }

    /// <summary>
    /// kubo's lines, the same offline and through a daemon: <c>added CID NAME</c> (the wrapper of -w has an empty
    /// name, so its line ends in a space, as kubo's does), only the CIDs with -q, only the last with -Q; each is
    /// written above the progress bar, never over it.
    /// </summary>
    private sealed class Printer(bool quiet, bool quieter, Output output, ProgressBar bar)
    {
        private string? _last;

        public void Print(IEnumerable<ImportedEntry> entries)
        {
            foreach (var e in entries)
                Print(e.Path, e.Cid.ToString(), e.Size.ToString(CultureInfo.InvariantCulture));
        }

        public void Print(string name, string cid, string? size)
        {
            _last = cid;
            if (!quieter)
                bar.WriteAbove(() => output.Write(quiet ? cid : $"added {cid} {name}", new { Name = name, Hash = cid, Size = size }));
        }

        public void Finish()
        {
            if (quieter && _last is not null)
                bar.WriteAbove(() => output.Write(_last, new { Hash = _last }));
        }
    }
}
