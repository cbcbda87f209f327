using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using P2P.Cli.Infrastructure;
using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;

namespace P2P.Cli.Commands;

/// <summary>
/// `p2p add`: chunks, hashes and stores files, printing kubo's `added CID NAME` lines. Offline it imports into the
/// repo through <see cref="LocalContent"/>; with a daemon it uploads them as kubo's multipart body. Both check the
/// flags with <see cref="ImportOptionsBuilder"/>, as the daemon's API does.
/// </summary>
internal sealed class AddCommand
{
    private readonly Argument<string[]> _paths = new("path") { Description = "Files or directories to add", Arity = ArgumentArity.OneOrMore };
    private readonly Option<bool> _recursive = new("--recursive", "-r") { Description = "Add directories recursively" };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "Print only the CIDs" };
    private readonly Option<bool> _quieter = new("--quieter", "-Q") { Description = "Print only the final CID" };
    private readonly Option<int?> _cidVersion = new("--cid-version") { Description = "CID version: 0 or 1 (default 1, raw leaves)" };
    private readonly Option<bool?> _rawLeaves = new("--raw-leaves") { Description = "Store leaves as raw blocks (default: on for CIDv1)" };
    private readonly Option<string?> _chunker = new("--chunker", "-s") { Description = "Chunking: size-N (default size-262144)" };
    private readonly Option<int?> _maxLinks = new("--max-links") { Description = "Links per node of the balanced tree (default 174)" };
    private readonly Option<string> _hash = new("--hash") { Description = "Hash function: sha2-256 or blake3 (blake3 implies CIDv1)", DefaultValueFactory = _ => "sha2-256" };
    private readonly Option<string?> _profile = new("--profile") { Description = "Import profile: unixfs-v1-2025 (1 MiB chunks, 1024 links)" };
    private readonly Option<bool> _onlyHash = new("--only-hash", "-n") { Description = "Only compute the CIDs; store nothing" };
    private readonly Option<bool> _pin = new("--pin") { Description = "Pin what is added (default true)", DefaultValueFactory = _ => true };
    private readonly Option<bool> _hidden = new("--hidden", "-H") { Description = "Include files whose names start with a dot" };
    private readonly Option<bool> _progress = new("--progress") { Description = "Show progress on stderr (default: when it is a terminal)" };

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
            add._hash, add._profile, add._onlyHash, add._pin, add._hidden, add._progress,
        };
        // `add --only-hash` stores nothing, so it never needs the daemon.
        DaemonRoute.SetAction(command, add.OfflineAsync, add.RemoteAsync, parse => parse.GetValue(add._onlyHash));
        return command;
    }

    /// <summary>The flags as kubo names them, checked and turned into import options before anything is read or sent.</summary>
    private (KuboAddFlags Flags, ImportOptions Options, string[] Inputs) Read(ParseResult parse)
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
        var inputs = parse.GetValue(_paths)!;
        foreach (var p in inputs)
        {
            if (Directory.Exists(p) && !parse.GetValue(_recursive))
                throw new CliException($"{p} is a directory: use -r to add it recursively", ExitCodes.Usage);
            if (!File.Exists(p) && !Directory.Exists(p))
                throw new FileNotFoundException($"{p}: no such file or directory", p);
        }
        return (flags, options, inputs);
    }

    private async Task<int> OfflineAsync(ParseResult parse, CancellationToken ct)
    {
        var (_, options, inputs) = Read(parse);
        var output = Output.For(parse);
        using var node = options.OnlyHash ? LocalContent.InMemory() : NodeAccess.Open(parse);
        var total = inputs.Sum(SizeOf);
        using var bar = ProgressBar.ForCommand("adding", total, parse.GetValue(_progress));
        Cid? last = null;
        foreach (var p in inputs)
        {
            // Each input reports its own running total from 0: a part of the bar each.
            var entries = await node.AddPathAsync(p, parse.GetValue(_recursive), options, parse.GetValue(_pin) && !options.OnlyHash, bar.Part(), ct);
            foreach (var e in entries)
            {
                last = e.Cid;
                if (parse.GetValue(_quieter))
                    continue;
                bar.WriteAbove(() => output.Write(parse.GetValue(_quiet) ? e.Cid.ToString() : $"added {e.Cid} {e.Path}",
                    new { Name = e.Path, Hash = e.Cid.ToString(), Size = e.Size.ToString(CultureInfo.InvariantCulture) }));
            }
        }
        if (parse.GetValue(_quieter) && last is not null)
            bar.WriteAbove(() => output.Write(last.ToString(), new { Hash = last.ToString() }));
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

        using var body = new MultipartFormDataContent();
        var opened = new List<Stream>();
        try
        {
            foreach (var p in inputs)
                AddParts(body, Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)), null, opened);
            var output = Output.For(parse);
            var quiet = parse.GetValue(_quiet);
            var quieter = parse.GetValue(_quieter);
            string? last = null;
            using var bar = ProgressBar.ForCommand("adding", inputs.Sum(SizeOf), parse.GetValue(_progress));
            var progress = new AddProgressEvents(bar);
            if (bar.Enabled)
                query.Add(new("progress", "true"));
            await foreach (var line in daemon.PostLinesAsync("add", query, ct, body))
            {
                // kubo's progress events have no Hash: a name and that entry's running byte count.
                if (progress.TryConsume(line))
                    continue;
                var name = line.GetProperty("Name").GetString()!;
                var cid = line.GetProperty("Hash").GetString()!;
                last = cid;
                if (!quieter)
                    bar.WriteAbove(() => output.Write(quiet ? cid : $"added {cid} {name}", new { Name = name, Hash = cid, Size = line.GetProperty("Size").GetString() }));
            }
            if (quieter && last is not null)
                bar.WriteAbove(() => output.Write(last, new { Hash = last }));
        }
        finally
        {
            foreach (var stream in opened)
                await stream.DisposeAsync();
        }
        return ExitCodes.Ok;
    }

    /// <summary>kubo's multipart layout: one part per file and per directory, named by its escaped relative path.</summary>
    private static void AddParts(MultipartFormDataContent body, string path, string? parent, List<Stream> opened)
    {
        var name = parent is null ? Path.GetFileName(path) : $"{parent}/{Path.GetFileName(path)}";
        var escaped = Uri.EscapeDataString(name);
        if (Directory.Exists(path))
        {
            var dir = new ByteArrayContent([]);
            dir.Headers.ContentType = new MediaTypeHeaderValue("application/x-directory");
            body.Add(dir, "file", escaped);
            foreach (var child in Directory.EnumerateFileSystemEntries(path).Order(StringComparer.Ordinal))
                AddParts(body, child, name, opened);
            return;
        }
        var stream = File.OpenRead(path);
        opened.Add(stream);
        var file = new StreamContent(stream, 1 << 16);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        body.Add(file, "file", escaped);
    }

    private static long SizeOf(string path)
    {
        if (File.Exists(path))
            return new FileInfo(path).Length;
        try
        {
            return new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
