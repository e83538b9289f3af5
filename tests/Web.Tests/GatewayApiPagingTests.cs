using System.Net;
using System.Text;
using System.Text.Json;
using System.Web;
using TrustedOss.Web.Api;

namespace TrustedOss.Web.Tests;

/// <summary>The page's lists of projects and teams hold every one the person may see, however many pages they take.</summary>
public sealed class GatewayApiPagingTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(GatewayApi.LargestPage)]
    [InlineData(GatewayApi.LargestPage + 1)]
    [InlineData((2 * GatewayApi.LargestPage) + 57)]
    public async Task Every_project_is_read_a_largest_page_at_a_time(int count)
    {
        var projects = Enumerable.Range(0, count).Select(i => new { id = Guid.NewGuid(), team_id = Guid.NewGuid(), name = $"p{i}", git_url = "https://example.test/r.git", created_at = DateTime.UtcNow }).ToList();
        var api = new PagedList("/v1/projects", () => [.. projects]);

        var read = await api.Client.ProjectsAsync("token", CancellationToken.None);

        Assert.Equal(projects.Select(p => p.id), read.Select(p => p.Id));
        Assert.Equal(Math.Max(1, (int)Math.Ceiling(count / (double)GatewayApi.LargestPage)), api.Requests.Count);
        Assert.All(api.Requests, query => Assert.Equal($"{GatewayApi.LargestPage}", query["page_size"]));
    }

    [Fact]
    public async Task A_team_added_while_the_pages_are_read_moves_the_rest_on_without_losing_or_doubling_one()
    {
        var teams = Enumerable.Range(0, GatewayApi.LargestPage + 10).Select(i => new { id = Guid.NewGuid(), name = $"t{i}" }).ToList();
        var added = new { id = Guid.NewGuid(), name = "new" };
        var api = new PagedList("/v1/admin/teams", () => [.. teams]);
        // Newest first: after the first page, a new team comes first and pushes every other one place on.
        api.AfterFirstPage = () => teams.Insert(0, added);

        var read = await api.Client.TeamsAsync("token", CancellationToken.None);

        Assert.Equal(teams.Skip(1).Select(t => t.id).Order(), read.Select(t => t.Id).Order());
        Assert.Equal(read.Count, read.Select(t => t.Id).Distinct().Count());
    }

    /// <summary>A list endpoint of the API (CONTRACT §0): pages of the items the moment each is asked for.</summary>
    private sealed class PagedList : HttpMessageHandler
    {
        private readonly string path;
        private readonly Func<IReadOnlyList<object>> items;

        public PagedList(string path, Func<IReadOnlyList<object>> items)
        {
            this.path = path;
            this.items = items;
            Client = new GatewayApi(new HttpClient(this) { BaseAddress = new Uri("http://gateway") });
        }

        public GatewayApi Client { get; }

        public List<System.Collections.Specialized.NameValueCollection> Requests { get; } = [];

        public Action? AfterFirstPage { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal(path, request.RequestUri!.AbsolutePath);
            var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
            Requests.Add(query);
            var (page, size) = (int.Parse(query["page"]!, System.Globalization.CultureInfo.InvariantCulture), int.Parse(query["page_size"]!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(size, 1, 200);
            var all = items();
            var body = JsonSerializer.Serialize(new { items = all.Skip((page - 1) * size).Take(size), total = all.Count, page, page_size = size });
            if (page == 1)
            {
                AfterFirstPage?.Invoke();
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
