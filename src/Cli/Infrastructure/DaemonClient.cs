using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using P2P.Node.Errors;

namespace P2P.Cli.Infrastructure;

/// <summary>
/// Talks to a running daemon's HTTP API (kubo's RPC: POST /api/v0/…?arg=…). Found through the file <c>api</c> that
/// the daemon writes in the repo; a file left by a daemon that died is ignored (its address does not answer), so
/// the CLI then opens the repo itself. Errors come back as kubo's <c>{"Message", "Code", "Type"}</c> bodies with p2p's
/// <c>Kind</c>, and are rethrown as a <see cref="P2PException"/> of that kind: the CLI prints the daemon's sentence
/// and exits with the code it would have without a daemon.
/// </summary>
internal sealed class DaemonClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>
    /// The client for streamed answers (cat, get, block get, dag export), sent with the blocking <c>Send</c> on a
    /// connection of its own. On Linux a .NET socket that has done one asynchronous operation stays non-blocking for
    /// good, and a blocking read of it then waits on an event the epoll thread sets: two context switches and a
    /// thread-pool spin per read. A connection opened and read only synchronously reads with plain blocking recv:
    /// the CLI's CPU for `cat` of 1 GiB held by the daemon fell from 0.91-1.31 s to 0.55-0.63 s (docs/perf/read-path.md).
    /// </summary>
    private readonly HttpClient _streaming;

    private DaemonClient(Uri baseAddress, string? token)
    {
        _http = NewClient(baseAddress, token, new SocketsHttpHandler());
        _streaming = NewClient(baseAddress, token, new SocketsHttpHandler { ConnectCallback = ConnectBlocking });
    }

    private static HttpClient NewClient(Uri baseAddress, string? token, SocketsHttpHandler handler)
    {
        handler.UseProxy = false;
        handler.ConnectTimeout = TimeSpan.FromSeconds(2);
        var http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // The daemon requires its token whenever the repo holds one (always when it listens beyond loopback).
        if (token is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>The repo the daemon serves, where its local channel's socket is (<see cref="LocalChannelClient"/>).</summary>
    public string RepoPath { get; private init; } = "";

    /// <summary>
    /// Opens the streaming client's connection with a blocking connect, so the socket never did an asynchronous
    /// operation and stays in blocking mode (the handler's own connect is asynchronous even under <c>Send</c>).
    /// </summary>
    private static ValueTask<Stream> ConnectBlocking(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Cancelling (ConnectTimeout, Ctrl-C) closes the socket under the blocked connect.
            using (ct.Register(static s => ((System.Net.Sockets.Socket)s!).Dispose(), socket))
                socket.Connect(context.DnsEndPoint.Host, context.DnsEndPoint.Port);
            return ValueTask.FromResult<Stream>(new System.Net.Sockets.NetworkStream(socket, ownsSocket: true));
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            socket.Dispose();
            ct.ThrowIfCancellationRequested();
            throw;
        }
    }

    /// <summary>kubo's <c>timeout</c> parameter, sent with every request when set (the global --timeout).</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>The daemon serving <paramref name="repoPath"/>, or null when none answers.</summary>
    public static async Task<DaemonClient?> TryConnectAsync(string repoPath, CancellationToken ct)
    {
        var apiFile = Path.Join(repoPath, "api");
        if (!File.Exists(apiFile))
            return null;
        var uri = ParseApiFile(await File.ReadAllTextAsync(apiFile, ct));
        if (uri is null)
            return null;
        string? token;
        try
        {
            token = P2P.Node.Hosting.Api.ApiToken.TryRead(repoPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the API token: {e.Message}");
        }
        var client = new DaemonClient(uri, token) { RepoPath = repoPath };
        try
        {
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // A stale api file fails at once (connection refused); only a live but busy daemon is slow to answer,
            // and falling back to opening the repo then fails on its lock, so give it time.
            probe.CancelAfter(TimeSpan.FromSeconds(15));
            using var response = await client._http.PostAsync("api/v0/id", null, probe.Token);
            if (response.IsSuccessStatusCode)
                return client;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            // A stale api file: the daemon is gone.
        }
        client.Dispose();
        return null;
    }

    /// <summary>The daemon for a command that needs one; fails with a clear message when none runs.</summary>
    public static async Task<DaemonClient> RequireAsync(string repoPath, CancellationToken ct) =>
        await TryConnectAsync(repoPath, ct)
        ?? throw new CliException($"no daemon is running for {repoPath}: start one with `p2p daemon`");

    /// <summary><c>/ip4/127.0.0.1/tcp/5001</c> (kubo's api file) to an http URI.</summary>
    internal static Uri? ParseApiFile(string text)
    {
        var parts = text.Trim().Split('/');
        if (parts.Length != 5 || parts[1] is not ("ip4" or "ip6") || parts[3] != "tcp" || !IPAddress.TryParse(parts[2], out var ip) || !ushort.TryParse(parts[4], out var port))
            return null;
        // A daemon listening on every interface (0.0.0.0 or ::) is reached on loopback, which its Host check serves.
        ip = P2P.Node.Hosting.Daemon.Dialable(new IPEndPoint(ip, port)).Address;
        var host = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
        return new Uri($"http://{host}:{port}/");
    }

    /// <summary>POSTs and parses one JSON object.</summary>
    public async Task<JsonElement> PostJsonAsync(string command, IEnumerable<KeyValuePair<string, string>>? query, CancellationToken ct, HttpContent? body = null)
    {
        using var response = await SendAsync(command, query, body, ct);
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: ct);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// POSTs and yields each line of a newline-delimited JSON answer as it arrives. <paramref name="blockingUpload"/>
    /// sends <paramref name="body"/> with the blocking <c>Send</c> on the streaming client's connection (add's upload):
    /// the body is then read and written with plain blocking syscalls, where the asynchronous send of each 1 MiB
    /// waited on epoll and a thread-pool hop whenever the socket's buffer was full (docs/perf/add-path.md, fifth round).
    /// The answer's lines are read after the whole body is sent either way: HTTP/1.1 in .NET sends the content before
    /// it reads the response.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> PostLinesAsync(string command, IEnumerable<KeyValuePair<string, string>>? query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct, HttpContent? body = null, bool blockingUpload = false)
    {
        using var response = await SendAsync(command, query, body, ct, blocking: blockingUpload);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
                continue;
            using var document = JsonDocument.Parse(line);
            yield return document.RootElement.Clone();
        }
        ThrowIfStreamError(response);
    }

    /// <summary>The buffer of <see cref="CopyBodyAsync"/>: one per command, so its size costs nothing per block.</summary>
    internal const int CopyBufferSize = 1 << 20;

    /// <summary>
    /// Copies a streamed answer (cat) to <paramref name="destination"/>, telling <paramref name="copied"/> each piece's
    /// length; then throws the error the daemon reported in the trailer, if any. A cut connection is the daemon going
    /// away mid-answer, said in one sentence.
    /// </summary>
    public async Task CopyBodyAsync(HttpResponseMessage response, Stream destination, Action<int>? copied, CancellationToken ct)
    {
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = GC.AllocateUninitializedArray<byte>(CopyBufferSize);
        // Blocking reads and writes: this process does nothing else, and an async read of a loopback socket that
        // the daemon fills as fast as we drain it completes through epoll and a thread-pool hop every 8 KiB (131k
        // receives per GiB, with the pool spinning between them: the CLI cost as much CPU as the daemon).
        // Cancelling (Ctrl-C, --timeout) disposes the response, which closes the socket under a blocked read.
        await using (ct.Register(static r => ((HttpResponseMessage)r!).Dispose(), response))
        {
            while (true)
            {
                int n;
                try
                {
                    n = body.Read(buffer);
                }
                catch (Exception e) when (ct.IsCancellationRequested && e is IOException or ObjectDisposedException or HttpRequestException)
                {
                    throw new OperationCanceledException("the copy was cancelled", e, ct);
                }
                catch (IOException e)
                {
                    // Over HTTP/1.1 the daemon cuts the answer and keeps the reason under this request's id.
                    throw await CutShortAsync(response, e, ct);
                }
                if (n == 0)
                    break;
                destination.Write(buffer, 0, n);
                copied?.Invoke(n);
            }
        }
        ThrowIfStreamError(response);
    }

    private async Task<P2PException> CutShortAsync(HttpResponseMessage response, IOException cause, CancellationToken ct)
    {
        var id = response.RequestMessage?.Headers.TryGetValues(P2P.Node.Hosting.Api.StreamError.RequestIdHeader, out var ids) == true ? ids.FirstOrDefault() : null;
        if (id is not null)
        {
            try
            {
                var answer = await PostJsonAsync("p2p/stream-error", [new("arg", id)], ct);
                if (answer.TryGetProperty("Message", out var message) && message.GetString() is { Length: > 0 } sentence)
                {
                    var kind = answer.TryGetProperty("Kind", out var k) ? ErrorTable.Parse(k.GetString()) : null;
                    return new P2PException(kind ?? ErrorKind.Unavailable, sentence, cause);
                }
            }
            catch (Exception e) when (e is HttpRequestException or P2PException or JsonException)
            {
                // The daemon itself is gone: say so below.
            }
        }
        return new P2PException(ErrorKind.Unavailable, "the daemon closed the connection before the answer was complete", cause);
    }

    /// <summary>
    /// After a streamed answer's body ended: the error the daemon put in kubo's <c>X-Stream-Error</c> trailer (with
    /// p2p's kind beside it), thrown as the same <see cref="P2PException"/> the command would throw offline.
    /// </summary>
    public static void ThrowIfStreamError(HttpResponseMessage response)
    {
        if (!response.TrailingHeaders.TryGetValues("X-Stream-Error", out var messages))
            return;
        var kind = response.TrailingHeaders.TryGetValues("X-Stream-Error-Kind", out var kinds) ? ErrorTable.Parse(kinds.FirstOrDefault()) : null;
        throw new P2PException(kind ?? ErrorKind.Internal, messages.FirstOrDefault() ?? "the daemon ended the answer with an error");
    }

    /// <summary>POSTs and returns the response for the caller to stream (cat, block get); the caller disposes it.</summary>
    public Task<HttpResponseMessage> PostStreamAsync(string command, IEnumerable<KeyValuePair<string, string>>? query, CancellationToken ct,
        HttpContent? body = null) =>
        SendAsync(command, query, body, ct, Guid.NewGuid().ToString("N"), blocking: body is null);

    /// <summary>
    /// Sends one request. <paramref name="blocking"/> sends it with the synchronous API on <see cref="_streaming"/>
    /// (a request without a body, whose answer is then read with blocking reads, or an upload written with blocking writes).
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(string command, IEnumerable<KeyValuePair<string, string>>? query, HttpContent? body, CancellationToken ct,
        string? requestId = null, bool blocking = false)
    {
        var uri = "api/v0/" + command;
        if (RequestTimeout is { } timeout)
            query = (query ?? []).Append(new("timeout", P2P.Node.Hosting.GoDuration.Format(timeout)));
        if (query is not null)
        {
            var pairs = query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}").ToList();
            if (pairs.Count > 0)
                uri += "?" + string.Join('&', pairs);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = body };
        if (requestId is not null)
            request.Headers.Add(P2P.Node.Hosting.Api.StreamError.RequestIdHeader, requestId);
        HttpResponseMessage response;
        try
        {
            response = blocking
                ? _streaming.Send(request, HttpCompletionOption.ResponseHeadersRead, ct)
                : await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e)
        {
            throw new P2PException(ErrorKind.Unavailable, $"the daemon at {BaseAddress} did not answer: {e.Message}", e);
        }
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw ErrorOf((int)response.StatusCode, response.ReasonPhrase, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>
    /// The error an answer with <paramref name="status"/> and <paramref name="body"/> stands for: kubo's
    /// <c>Message</c> as the sentence, and the kind from p2p's <c>Kind</c>, else from the status (kubo itself, a proxy).
    /// </summary>
    internal static P2PException ErrorOf(int status, string? reason, string body)
    {
        string? message = null, kind = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (document.RootElement.TryGetProperty("Message", out var m) && m.ValueKind == JsonValueKind.String)
                    message = m.GetString();
                if (document.RootElement.TryGetProperty("Kind", out var k) && k.ValueKind == JsonValueKind.String)
                    kind = k.GetString();
            }
        }
        catch (JsonException)
        {
            // Not kubo's error body: say the status instead.
        }
        return new P2PException(ErrorTable.Parse(kind) ?? ErrorTable.KindOfStatus(status),
            string.IsNullOrEmpty(message) ? $"daemon answered {status} {reason}" : message);
    }

    /// <summary>A raw body for add or block put.</summary>
    public static HttpContent StreamBody(Stream stream)
    {
        var content = new StreamContent(stream, 1 << 16);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    public void Dispose()
    {
        _http.Dispose();
        _streaming.Dispose();
    }
}
