<?php
/*
 * The WXR export read by a real WordPress (docs/verification/wxr-in-wordpress.md).
 * Run by scripts/wxr-in-wordpress.sh, not by `npm test`. It loads WordPress
 * through Debian's /usr/share/wordpress/wp-config.php, which picks
 * /etc/wordpress/config-$WORDPRESS_CONFIG.php (the shell script writes it).
 *
 *   php scripts/wxr-in-wordpress.php install              a fresh site (empty database), admin user "admin"
 *   php scripts/wxr-in-wordpress.php import FILE PLUGIN   WordPress Importer (PLUGIN: its folder) reads FILE
 *                                                         as an admin would, attachments not fetched, the
 *                                                         export's authors mapped to the existing user "admin"
 *                                                         (WXR_CHECK_AUTHORS=map, the default) or created as new
 *                                                         users from the file (WXR_CHECK_AUTHORS=create: the
 *                                                         form left as it comes)
 *   php scripts/wxr-in-wordpress.php dump                 posts, tags and comments as JSON on standard output
 */
$wxr_check_mode = $argv[1] ?? '';
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG') ?: 'wxr-check';
$_SERVER['HTTP_HOST'] = 'wxr-check.localhost';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = 'wxr-check.localhost';
$_SERVER['SERVER_PORT'] = '80';
$_SERVER['REQUEST_METHOD'] = 'GET';
// Never name globals here as WordPress does ($wp, $post, $comments…): wp-load.php runs in this scope.
$wxr_check_wordpress = getenv('WORDPRESS_DIR') ?: '/usr/share/wordpress';

if ($wxr_check_mode === 'install') {
	define('WP_INSTALLING', true);
	require $wxr_check_wordpress . '/wp-load.php';
	wxr_check_install();
	exit(0);
}

require $wxr_check_wordpress . '/wp-load.php';

if ($wxr_check_mode === 'import') {
	wxr_check_import($argv[2] ?? '', $argv[3] ?? '');
	exit(0);
}

function wxr_check_import($file, $plugin) {
	require_once ABSPATH . 'wp-admin/includes/admin.php';
	$admin = get_user_by('login', 'admin');
	wp_set_current_user($admin->ID); // an administrator: unfiltered_html, as in Tools → Import
	define('WP_LOAD_IMPORTERS', true);
	define('IMPORT_DEBUG', true);
	require $plugin . '/wordpress-importer.php';
	if (!class_exists('WP_Import')) {
		fwrite(STDERR, "WP_Import is not defined by $plugin/wordpress-importer.php\n");
		exit(1);
	}
	$importer = new WP_Import();
	$importer->fetch_attachments = false;
	// The "Assign Authors" form: every author of the file mapped to the existing user "admin".
	$data = $importer->parse($file);
	if (is_wp_error($data)) {
		fwrite(STDERR, $data->get_error_message() . "\n");
		exit(1);
	}
	$_POST['imported_authors'] = array_keys($data['authors']);
	if (getenv('WXR_CHECK_AUTHORS') !== 'create') {
		$_POST['user_map'] = array_fill(0, count($data['authors']), $admin->ID);
	}
	ob_start();
	$importer->import($file);
	$output = ob_get_clean();
	echo trim(preg_replace('/\s*\n\s*/', "\n", wp_strip_all_tags(str_replace('<br />', "\n", $output)))), "\n";
}

if ($wxr_check_mode === 'dump') {
	echo json_encode(wxr_check_dump(), JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES), "\n";
	exit(0);
}

function wxr_check_dump() {
	$out = ['wordpress' => get_bloginfo('version'), 'posts' => []];
	$posts = get_posts(['post_type' => 'post', 'post_status' => 'any', 'numberposts' => -1, 'orderby' => 'date', 'order' => 'ASC']);
	foreach ($posts as $post) {
		$author = get_userdata($post->post_author);
		$comments = [];
		foreach (get_comments(['post_id' => $post->ID, 'status' => 'all', 'type' => 'all', 'orderby' => 'comment_ID', 'order' => 'ASC']) as $c) {
			$user = $c->user_id ? get_userdata($c->user_id) : null;
			$meta = [];
			foreach (get_comment_meta($c->comment_ID) as $key => $values) {
				$meta[$key] = $values[0];
			}
			$comments[] = [
				'comment_ID' => (int) $c->comment_ID,
				'comment_parent' => (int) $c->comment_parent,
				'comment_approved' => $c->comment_approved,
				'comment_type' => $c->comment_type,
				'comment_author' => $c->comment_author,
				'comment_author_url' => $c->comment_author_url,
				'comment_date' => $c->comment_date,
				'comment_date_gmt' => $c->comment_date_gmt,
				'comment_content' => $c->comment_content,
				'shown_html' => apply_filters('comment_text', $c->comment_content, $c, []),
				'user_login' => $user ? $user->user_login : '',
				'meta' => $meta,
			];
		}
		// get_comments() leaves out spam and trash with 'all'; add them.
		foreach (['spam', 'trash'] as $status) {
			foreach (get_comments(['post_id' => $post->ID, 'status' => $status, 'orderby' => 'comment_ID', 'order' => 'ASC']) as $c) {
				$meta = [];
				foreach (get_comment_meta($c->comment_ID) as $key => $values) {
					$meta[$key] = $values[0];
				}
				$comments[] = [
					'comment_ID' => (int) $c->comment_ID,
					'comment_parent' => (int) $c->comment_parent,
					'comment_approved' => $c->comment_approved,
					'comment_type' => $c->comment_type,
					'comment_author' => $c->comment_author,
					'comment_author_url' => $c->comment_author_url,
					'comment_date' => $c->comment_date,
					'comment_date_gmt' => $c->comment_date_gmt,
					'comment_content' => $c->comment_content,
					'shown_html' => '',
					'user_login' => '',
					'meta' => $meta,
				];
			}
		}
		usort($comments, fn($a, $b) => $a['comment_ID'] <=> $b['comment_ID']);
		$meta = [];
		foreach (get_post_meta($post->ID) as $key => $values) {
			$meta[$key] = $values[0];
		}
		$out['posts'][] = [
			'ID' => $post->ID,
			'post_name' => $post->post_name,
			'post_title' => $post->post_title,
			'post_date' => $post->post_date,
			'post_date_gmt' => $post->post_date_gmt,
			'post_status' => $post->post_status,
			'comment_status' => $post->comment_status,
			'comment_count' => (int) $post->comment_count,
			'shown_comment_ids' => wxr_check_shown_comments($post->ID),
			'post_author_login' => $author ? $author->user_login : '',
			'post_excerpt' => $post->post_excerpt,
			'post_content' => $post->post_content,
			'meta' => $meta,
			'tags' => array_map(fn($t) => ['name' => $t->name, 'slug' => $t->slug], wp_get_post_tags($post->ID)),
			'permalink' => get_permalink($post),
			'comments' => $comments,
		];
	}
	return $out;
}

fwrite(STDERR, "usage: php scripts/wxr-in-wordpress.php install | import FILE PLUGIN_DIR | dump\n");
exit(2);

function wxr_check_install() {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$result = wp_install('Staffroom import check', 'admin', 'admin@example.org', false, '', wp_generate_password(24));
	update_option('timezone_string', 'UTC');
	update_option('gmt_offset', 0);
	// An empty site, as the importer expects: no sample post, page or comment.
	foreach (get_posts(['post_type' => 'any', 'post_status' => 'any', 'numberposts' => -1]) as $post) {
		wp_delete_post($post->ID, true);
	}
	foreach (get_comments(['status' => 'all']) as $comment) {
		wp_delete_comment($comment->comment_ID, true);
	}
	echo 'WordPress ', get_bloginfo('version'), " installed, user id {$result['user_id']}\n";
}

/** The comment ids the post page shows, in order: what comments_template() asks for with threading on (WordPress 6.1). */
function wxr_check_shown_comments($post_id) {
	$query = new WP_Comment_Query([
		'orderby' => 'comment_date_gmt',
		'order' => 'ASC',
		'status' => 'approve',
		'post_id' => $post_id,
		'hierarchical' => get_option('thread_comments') ? 'threaded' : false,
	]);
	$ids = [];
	$walk = function ($list) use (&$walk, &$ids) {
		foreach ($list as $c) {
			$ids[] = (int) $c->comment_ID;
			$walk($c->get_children(['status' => 'approve', 'hierarchical' => 'threaded']));
		}
	};
	$walk($query->comments);
	return $ids;
}
