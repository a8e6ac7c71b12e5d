using System.Security.Cryptography.X509Certificates;
using Ledger.Core.Errors;
using Ledger.Core.Primitives;
using Ledger.Sdk.Keys;
using Ledger.Sdk.Tls;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Hosting;

/// <summary>
/// The node's TLS certificate: presented by Kestrel to every caller and by <see cref="PeerConnections"/> to the nodes
/// it calls. Loaded at start (no certificate, no start: LEDGER-1580), and read again when its file changes — at most
/// once a second, at a handshake — so a rotation (<c>ledger-node keys tls-switch</c>) needs no restart: connections
/// made before keep their certificate, new ones get the new one. A file that cannot be read keeps the old certificate
/// (and is logged). The private key never leaves this object, and nothing of it is logged.
/// </summary>
public sealed class NodeCertificate : IDisposable
{
    private readonly string _file;
    private readonly string _passwordVariable;
    private ILogger? _logger;
    private readonly Lock _gate = new();
    private X509Certificate2? _current;
    private Hash32 _pin;
    private DateTime _stamp;
    private long _nextLook;

    /// <summary>The certificate of a node with <paramref name="options"/> (none in the plaintext development mode).</summary>
    public NodeCertificate(LedgerNodeOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Enabled = !options.Tls.IsPlaintext;
        _file = string.IsNullOrWhiteSpace(options.Tls.CertificateFile)
            ? (string.IsNullOrWhiteSpace(options.KeyStoreFile) ? "" : NodeTlsCertificates.CurrentFile(options.KeyStoreFile))
            : Path.GetFullPath(options.Tls.CertificateFile);
        _passwordVariable = options.KeyStorePasswordEnv;
        _logger = logger;
    }

    /// <summary>Logs rotations to <paramref name="logger"/> from now on.</summary>
    public NodeCertificate WithLogger(ILogger logger)
    {
        _logger = logger;
        return this;
    }

    /// <summary>False in the plaintext development mode.</summary>
    public bool Enabled { get; }

    /// <summary>The certificate file.</summary>
    public string File => _file;

    /// <summary>The pin of the certificate presented now.</summary>
    public Hash32 Pin
    {
        get
        {
            _ = Current;
            return _pin;
        }
    }

    /// <summary>The certificate presented now (re-read when its file changed).</summary>
    public X509Certificate2 Current
    {
        get
        {
            var now = Environment.TickCount64;
            if (now >= Volatile.Read(ref _nextLook))
            {
                Volatile.Write(ref _nextLook, now + 1000);
                LookForRotation();
            }
            return _current ?? throw new InvalidOperationException("The node's TLS certificate is not loaded yet.");
        }
    }

    /// <summary>Loads the certificate at start.</summary>
    /// <exception cref="LedgerException">LEDGER-1580 when it is missing or cannot be opened.</exception>
    public void Load()
    {
        if (!Enabled)
        {
            return;
        }
        try
        {
            var certificate = NodeTlsCertificates.Load(_file, Environment.GetEnvironmentVariable(_passwordVariable));
            lock (_gate)
            {
                _current?.Dispose();
                _current = certificate;
                _pin = TlsPins.Of(certificate);
                _stamp = System.IO.File.GetLastWriteTimeUtc(_file);
            }
        }
        catch (LedgerException ex)
        {
            throw new LedgerException(NodeErrors.NoCertificateCode, ErrorCategory.FailedPrecondition,
                $"The node has no usable TLS certificate, and it serves TLS only: {ex.Message} "
                + $"(Ledger:Node:Tls:CertificateFile, default beside the key store; `ledger-node keys tls-init --file {Path.GetFileName(_file)}` makes one.) "
                + "Only for development on one machine, Ledger:Node:Tls:Mode=plaintext-development runs without TLS on loopback.", ex);
        }
    }

    private void LookForRotation()
    {
        DateTime stamp;
        try
        {
            stamp = System.IO.File.GetLastWriteTimeUtc(_file);
        }
        catch (IOException)
        {
            return;
        }
        if (stamp == _stamp || _current is null)
        {
            return;
        }
        lock (_gate)
        {
            if (stamp == _stamp)
            {
                return;
            }
            _stamp = stamp;
            try
            {
                var certificate = NodeTlsCertificates.Load(_file, Environment.GetEnvironmentVariable(_passwordVariable));
                var previous = _pin;
                // The old certificate is not disposed: handshakes in progress may still use it.
                _current = certificate;
                _pin = TlsPins.Of(certificate);
                if (_logger is not null)
                {
                    NodeLog.CertificateRotated(_logger, previous.ToString(), _pin.ToString());
                }
            }
            catch (LedgerException ex)
            {
                if (_logger is not null)
                {
                    NodeLog.CertificateUnreadable(_logger, _file, ex.Message);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _current?.Dispose();
}
